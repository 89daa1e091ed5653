// A snapshot as a file: the header (magic, versions, creation parameters, SHA-256 over the whole
// file), one machine per guest (RAM as PT_LOAD, NT_PRSTATUS, cpu note, machine note, one note per
// device unit) and the kernel note of a module. Encodes and checks the container; what the machine
// and kernel states mean is checked by their owners (machine-state.ts, module-state.ts).
import type { CpuSavedState } from "../cpu/cpu";
import { indexOfBytes, latin1Bytes, utf8Bytes, utf8String } from "./bytes";
import { readCore, writeCore, type CoreLoad, type CoreNote } from "./elf-core";
import { Sha256 } from "./sha256";
import { NT_PRSTATUS, prstatus } from "./prstatus";

/** Owner name of apexvisor's notes. */
export const NOTE_OWNER = "APEXVISOR";
/** apexvisor note types (FORMAT.md). */
export const NoteType = { header: 0x41500001, machine: 0x41500002, cpu: 0x41500003, device: 0x41500004, kernel: 0x41500005 } as const;
/** The header's magic string. */
export const SNAPSHOT_MAGIC = "apexvisor-snapshot";
/** Format version: bumped whenever a note's fields change meaning. */
/** Version 2 added incremental deltas and, in the kernel note, doneUntil, logbooks, shared blocks and ioreq. */
/** Version 3 added the HM callback state: partitions[].callback and moduleWaiting (kernel), callback (PV machine); and the ioreq string-run and disk fields. */
/** Version 4 added the console input position (the PC machines' extra.input) and the initrd in params.images. */
export const SNAPSHOT_FORMAT_VERSION = 4;
/** Version of apexvisor that wrote the file (informational; the format version decides). */
export const APEXVISOR_VERSION = "0.1.0";
const CHECKSUM_PLACEHOLDER = "0".repeat(64);
/** The placeholder as bytes (ASCII digits, so UTF-8 and Latin-1 agree). */
const PLACEHOLDER_BYTES = new TextEncoder().encode(CHECKSUM_PLACEHOLDER);

/** JSON-safe value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One guest machine in a snapshot. */
export interface SnapshotMachine {
  /** "boot" for a boot snapshot, else the partition name. */
  readonly name: string;
  readonly kind: "pc" | "pv";
  /** Guest RAM from guest-physical 0. */
  readonly ram: Uint8Array;
  /** RAM size in bytes (RAM past `ram.length` is zero). */
  readonly ramBytes: number;
  /** Virtual address where a debugger sees guest-physical 0 (0 for a PC; the image base for PV). */
  readonly vaddrBase: number;
  readonly cpu: CpuSavedState;
  /** Device units in build order with their saved state. */
  readonly devices: readonly { readonly unit: string; readonly version: number; readonly state: Json }[];
  /** The owner's own state (run loop or VM fields). */
  readonly extra: Json;
  /** Saving: RAM pages written since the snapshot this machine was restored from (its dirty log), or null when unknown. */
  readonly dirtyPages?: readonly number[] | null;
  /** Read from a delta file: the page runs stored (`ram` is then empty until snapshot-chain.ts applies them to the base). */
  readonly runs?: readonly PageRun[];
}

/** Bytes of guest RAM at guest-physical `addr` (page-aligned, whole pages). */
export interface PageRun {
  readonly addr: number;
  readonly data: Uint8Array;
}

/** What a delta file is made against: the base file's name (relative to the delta's folder) and header checksum. */
export interface SnapshotBase {
  readonly file: string;
  readonly checksum: string;
}

/** Everything in a snapshot file. */
export interface SnapshotContent {
  /** boot: one PC of `apexvisor boot`; module: a whole module; partition: one machine extracted for gdb (not restorable). */
  readonly kind: "boot" | "module" | "partition";
  /** How the snapshot was created (paths, sizes, image hashes): what restore needs to rebuild. */
  readonly params: { readonly [key: string]: Json };
  readonly machines: readonly SnapshotMachine[];
  /** Module kernel state; null for a boot snapshot. */
  readonly kernel: Json;
  /** Set on a delta file: machines with `dirtyPages` store only those pages; restore needs this base. */
  readonly base?: SnapshotBase;
  /** Read through a chain: the base files under this one, nearest first (snapshot-chain.ts). */
  readonly chain?: readonly string[];
  /** The header checksum of the file read (identifies it as the base of a later delta). */
  readonly checksum?: string;
}

/** The decoded file, or the one-line reason it is refused. */
export type SnapshotRead = { readonly ok: true; readonly content: SnapshotContent } | { readonly ok: false; readonly error: string };

const json = (v: unknown): Uint8Array => utf8Bytes(JSON.stringify(v));
const note = (type: number, v: unknown): CoreNote => ({ owner: NOTE_OWNER, type, desc: json(v) });

/** The used length of RAM: up to the last non-zero 4 KiB page (the rest is implied zero). */
function usedLength(ram: Uint8Array): number {
  // Word-wise from the end (RAM is page-sized and its buffer starts aligned); a byte loop is the fallback.
  if (ram.byteOffset % 4 === 0 && ram.length % 4 === 0) {
    const words = new Int32Array(ram.buffer, ram.byteOffset, ram.length >>> 2);
    let end = words.length;
    while (end > 0 && words[end - 1] === 0) end--;
    return Math.min(ram.length, Math.ceil((end * 4) / 4096) * 4096);
  }
  let end = ram.length;
  while (end > 0 && ram[end - 1] === 0) end--;
  return Math.min(ram.length, Math.ceil(end / 4096) * 4096);
}

/** Consecutive pages of `pages` (ascending page numbers) as runs of `ram`. */
function pageRuns(ram: Uint8Array, pages: readonly number[]): PageRun[] {
  const runs: PageRun[] = [];
  let i = 0;
  while (i < pages.length) {
    const first = pages[i]!;
    let end = first + 1;
    while (i + 1 < pages.length && pages[i + 1] === end) {
      i++;
      end++;
    }
    i++;
    runs.push({ addr: first * PAGE, data: ram.subarray(first * PAGE, Math.min(end * PAGE, ram.length)) });
  }
  return runs;
}

const PAGE = 4096;

/** Writes a snapshot file (checksum included); with `c.base`, a delta: machines with `dirtyPages` keep only those pages. */
export function encodeSnapshot(c: SnapshotContent): Uint8Array {
  const header = { magic: SNAPSHOT_MAGIC, formatVersion: SNAPSHOT_FORMAT_VERSION, apexvisorVersion: APEXVISOR_VERSION, kind: c.kind, params: c.params, ...(c.base !== undefined ? { base: { file: c.base.file, sha256: c.base.checksum } } : {}), checksum: CHECKSUM_PLACEHOLDER };
  const notes: CoreNote[] = [note(NoteType.header, header)];
  const loads: CoreLoad[] = [];
  c.machines.forEach((m, i) => {
    const load = loads.length;
    const dirty = c.base !== undefined ? m.dirtyPages : null;
    if (dirty === null || dirty === undefined) loads.push({ vaddr: m.vaddrBase >>> 0, paddr: 0, memSize: m.ramBytes, data: m.ram.subarray(0, usedLength(m.ram)) });
    else for (const r of pageRuns(m.ram, dirty)) loads.push({ vaddr: (m.vaddrBase + r.addr) >>> 0, paddr: r.addr, memSize: r.data.length, data: r.data });
    const runs = dirty === null || dirty === undefined ? {} : { runs: loads.length - load };
    notes.push({ owner: "CORE", type: NT_PRSTATUS, desc: prstatus(m.cpu, i + 1) });
    notes.push(note(NoteType.machine, { name: m.name, kind: m.kind, load, ...runs, ramBytes: m.ramBytes, vaddrBase: m.vaddrBase, extra: m.extra }));
    notes.push(note(NoteType.cpu, { machine: m.name, state: m.cpu }));
    for (const d of m.devices) notes.push(note(NoteType.device, { machine: m.name, unit: d.unit, version: d.version, state: d.state }));
  });
  if (c.kind === "module") notes.push(note(NoteType.kernel, c.kernel));
  const bytes = writeCore({ notes, loads });
  const at = checksumOffset(bytes);
  bytes.set(latin1Bytes(fileChecksum(bytes, at)), at);
  return bytes;
}

/** Offset of the checksum's 64 hex digits in the header note. */
function checksumOffset(bytes: Uint8Array): number {
  const key = latin1Bytes(`"checksum":"`);
  const at = indexOfBytes(bytes, key, 64 * 1024);
  return at < 0 ? -1 : at + key.length;
}

/** SHA-256 of the file with the checksum digits taken as zeros. */
function fileChecksum(bytes: Uint8Array, at: number): string {
  const h = new Sha256();
  h.update(bytes.subarray(0, at));
  h.update(PLACEHOLDER_BYTES);
  h.update(bytes.subarray(at + 64));
  return h.hex();
}

function parseJson(desc: Uint8Array, what: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(utf8String(desc)) as unknown };
  } catch {
    return { ok: false, error: `${what}: not valid JSON` };
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Reads and checks a snapshot file: container, header, version, checksum, then each note's shape. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotRead {
  const fail = (error: string): SnapshotRead => ({ ok: false, error });
  const core = readCore(bytes);
  if (!core.ok) return fail(core.error);
  const { notes, loads } = core.core;
  const first = notes[0];
  if (first === undefined || first.owner !== NOTE_OWNER || first.type !== NoteType.header) return fail("header note: missing (not an apexvisor snapshot)");
  const hj = parseJson(first.desc, "header note");
  if (!hj.ok) return fail(hj.error);
  const h = obj(hj.value);
  if (h === undefined || h["magic"] !== SNAPSHOT_MAGIC) return fail("header note: bad magic (not an apexvisor snapshot)");
  if (h["formatVersion"] !== SNAPSHOT_FORMAT_VERSION) return fail(`header note: format version ${JSON.stringify(h["formatVersion"])} is not supported (this apexvisor reads version ${SNAPSHOT_FORMAT_VERSION})`);
  const at = checksumOffset(bytes);
  const sum = typeof h["checksum"] === "string" ? h["checksum"] : "";
  if (at < 0 || fileChecksum(bytes, at) !== sum) return fail("checksum: the file does not match its SHA-256 (corrupt or edited)");
  const kind = h["kind"];
  if (kind !== "boot" && kind !== "module" && kind !== "partition") return fail(`header note: field kind: expected "boot", "module" or "partition"`);
  const params = obj(h["params"]);
  if (params === undefined) return fail("header note: field params: expected an object");
  const baseField = h["base"] === undefined ? undefined : obj(h["base"]);
  if (h["base"] !== undefined && (baseField === undefined || typeof baseField["file"] !== "string" || typeof baseField["sha256"] !== "string" || !/^[0-9a-f]{64}$/.test(baseField["sha256"]))) {
    return fail("header note: field base: expected {file, sha256 (64 hex digits)}");
  }
  const base = baseField === undefined ? undefined : { file: baseField["file"] as string, checksum: baseField["sha256"] as string };
  const machines: SnapshotMachine[] = [];
  let kernel: Json = null;
  let current: { m: Record<string, unknown>; cpu?: CpuSavedState; devices: SnapshotMachine["devices"][number][] } | undefined;
  const close = (): string | undefined => {
    if (current === undefined) return undefined;
    const m = current.m;
    const load = loads[m["load"] as number];
    if (current.cpu === undefined) return `cpu note: missing for machine ${String(m["name"])}`;
    if (m["runs"] !== undefined) {
      const runs = readRuns(loads, m["load"] as number, m["runs"], m["ramBytes"] as number, m["vaddrBase"] as number);
      if (typeof runs === "string") return `machine note ${String(m["name"])}: field runs: ${runs}`;
      if (base === undefined) return `machine note ${String(m["name"])}: field runs: page runs in a file that names no base`;
      machines.push({ name: m["name"] as string, kind: m["kind"] as "pc" | "pv", ram: new Uint8Array(0), ramBytes: m["ramBytes"] as number, vaddrBase: m["vaddrBase"] as number, cpu: current.cpu, devices: current.devices, extra: (m["extra"] ?? null) as Json, runs });
      current = undefined;
      return undefined;
    }
    if (load === undefined || load.memSize !== m["ramBytes"]) return `machine note ${String(m["name"])}: field load: no PT_LOAD of ${String(m["ramBytes"])} bytes`;
    machines.push({ name: m["name"] as string, kind: m["kind"] as "pc" | "pv", ram: load.data, ramBytes: load.memSize, vaddrBase: m["vaddrBase"] as number, cpu: current.cpu, devices: current.devices, extra: (m["extra"] ?? null) as Json });
    current = undefined;
    return undefined;
  };
  for (const [i, n] of notes.entries()) {
    if (i === 0 || n.owner === "CORE") continue;
    if (n.owner !== NOTE_OWNER) return fail(`note ${i}: unknown owner ${JSON.stringify(n.owner)}`);
    const parsed = parseJson(n.desc, `note ${i}`);
    if (!parsed.ok) return fail(parsed.error);
    const v = obj(parsed.value);
    switch (n.type) {
      case NoteType.machine: {
        const closed = close();
        if (closed !== undefined) return fail(closed);
        if (v === undefined || typeof v["name"] !== "string" || (v["kind"] !== "pc" && v["kind"] !== "pv") || !Number.isSafeInteger(v["load"]) || !Number.isSafeInteger(v["ramBytes"]) || !Number.isSafeInteger(v["vaddrBase"])) {
          return fail(`machine note ${i}: fields name, kind, load, ramBytes, vaddrBase expected`);
        }
        current = { m: v, devices: [] };
        break;
      }
      case NoteType.cpu:
        if (current === undefined || v === undefined || v["machine"] !== current.m["name"] || current.cpu !== undefined) return fail(`cpu note ${i}: not after its machine note`);
        current.cpu = v["state"] as CpuSavedState; // checked by parseCpuState when applied
        break;
      case NoteType.device:
        if (current === undefined || v === undefined || v["machine"] !== current.m["name"] || typeof v["unit"] !== "string" || typeof v["version"] !== "number") return fail(`device note ${i}: fields machine, unit, version expected after its machine note`);
        current.devices.push({ unit: v["unit"], version: v["version"], state: (v["state"] ?? null) as Json });
        break;
      case NoteType.kernel: {
        const closed = close();
        if (closed !== undefined) return fail(closed);
        kernel = parsed.value as Json;
        break;
      }
      default:
        return fail(`note ${i}: unknown apexvisor note type 0x${n.type.toString(16)}`);
    }
  }
  const closed = close();
  if (closed !== undefined) return fail(closed);
  if (kind === "module" && kernel === null) return fail("kernel note: missing in a module snapshot");
  return { ok: true, content: { kind, params: params as { [key: string]: Json }, machines, kernel, checksum: sum, ...(base !== undefined ? { base } : {}) } };
}

/** The `count` page runs of a delta machine starting at PT_LOAD `first`, checked against its RAM size. */
function readRuns(loads: readonly CoreLoad[], first: number, count: unknown, ramBytes: number, vaddrBase: number): PageRun[] | string {
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0 || first + count > loads.length) return "expected a count of PT_LOADs that exist";
  const runs: PageRun[] = [];
  let end = 0;
  for (let i = first; i < first + count; i++) {
    const l = loads[i]!;
    if (l.paddr % PAGE !== 0 || l.paddr < end || l.data.length !== l.memSize || l.memSize === 0 || l.paddr + l.memSize > ramBytes) return `PT_LOAD ${i}: not whole pages inside RAM, ascending`;
    if (l.vaddr !== ((vaddrBase + l.paddr) >>> 0)) return `PT_LOAD ${i}: p_vaddr does not match p_paddr`;
    end = l.paddr + l.memSize;
    runs.push({ addr: l.paddr, data: l.data });
  }
  return runs;
}
