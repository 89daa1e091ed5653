// What `apexvisor snapshot info` prints: every note of a checked snapshot, field by field in FORMAT.md's
// order (header, per machine NT_PRSTATUS / machine / cpu / device, kernel), long values shortened; and the
// whole content as one JSON document for --json (RAM as its size). Pure: content in, text out.
import type { Json, SnapshotContent, SnapshotMachine } from "./snapshot-file";
import { APEXVISOR_VERSION, SNAPSHOT_FORMAT_VERSION } from "./snapshot-file";

/** Longest value printed on an info line; longer ones end in "... (N chars)". */
const MAX_VALUE = 160;
const SEGS = ["es", "cs", "ss", "ds", "fs", "gs"];
const REGS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** `v` as compact JSON, shortened to MAX_VALUE characters. */
function short(v: Json | undefined): string {
  const t = JSON.stringify(v ?? null);
  return t.length <= MAX_VALUE ? t : `${t.slice(0, MAX_VALUE)}... (${t.length} chars)`;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One line per field of `v` (an object), each "  name: value" at `indent`. */
function fieldLines(v: Json, indent: string): string[] {
  if (!isObject(v)) return [`${indent}${short(v)}`];
  return Object.entries(v).map(([k, x]) => `${indent}${k}: ${short(x)}`);
}

/** How many notes of each kind the file holds. */
function noteCounts(c: SnapshotContent): string {
  const n = c.machines.length;
  const devices = c.machines.reduce((s, m) => s + m.devices.length, 0);
  return `header 1, NT_PRSTATUS ${n}, machine ${n}, cpu ${n}, device ${devices}, kernel ${c.kind === "module" ? 1 : 0}`;
}

/** The lines `snapshot info FILE` prints. */
export function snapshotInfoLines(file: string, c: SnapshotContent): string[] {
  const out = [`${file}: apexvisor ${c.kind} snapshot, format ${SNAPSHOT_FORMAT_VERSION} (apexvisor ${APEXVISOR_VERSION}), checksum OK`];
  out.push(`notes: ${noteCounts(c)}`);
  out.push(`header: kind ${c.kind}, checksum ${c.checksum ?? "(not read from a file)"}`);
  if (c.base !== undefined) out.push(`  base: ${c.base.file} (checksum ${c.base.checksum})`);
  if (c.chain !== undefined) out.push(`  incremental: a delta on ${c.chain.join(" <- ")} (every base found and checked; RAM below is the applied chain)`);
  for (const [k, v] of Object.entries(c.params)) {
    if (k === "images" && Array.isArray(v)) for (const i of v) out.push(`  image: ${isObject(i) ? `${String(i["path"])} sha256 ${String(i["sha256"])}` : short(i)}`);
    else out.push(`  ${k}: ${short(v)}`);
  }
  for (const [i, m] of c.machines.entries()) out.push(...machineLines(m, i));
  if (c.kind === "module") out.push(...kernelLines(c.kernel));
  return out;
}

function machineLines(m: SnapshotMachine, index: number): string[] {
  const c = m.cpu;
  const out = [`machine ${m.name} (${m.kind}): ${m.ramBytes / 1024} KiB RAM (${m.ram.length} bytes stored${m.runs !== undefined ? `, ${m.runs.length} page runs of a delta` : ""}), seen by a debugger at ${hex(m.vaddrBase)}`];
  out.push(`  NT_PRSTATUS: pid ${index + 1}, eip ${hex(c.eip)} esp ${hex(c.regs[4] ?? 0)}`);
  out.push(`  run loop:`, ...fieldLines(m.extra, "    "));
  out.push(`  cpu: ${REGS.map((r, i) => `${r} ${hex(c.regs[i] ?? 0)}`).join(" ")} eip ${hex(c.eip)} eflags ${hex(c.eflags)} cpl ${c.cpl}`);
  out.push(`    segments: ${SEGS.map((s, i) => { const g = c.seg[i]; return g === undefined ? `${s} ?` : `${s} ${hex(g.sel)} base ${hex(g.base)} limit ${hex(g.limit)} attr ${hex(g.attr)}`; }).join("; ")}`);
  out.push(`    cr0 ${hex(c.cr0)} cr2 ${hex(c.cr2)} cr3 ${hex(c.cr3)} cr4 ${hex(c.cr4)}; gdt ${hex(c.gdt.base)}/${hex(c.gdt.limit)} idt ${hex(c.idt.base)}/${hex(c.idt.limit)} ldt ${hex(c.ldt.sel)} base ${hex(c.ldt.base)} limit ${hex(c.ldt.limit)} tr ${hex(c.tr.sel)} base ${hex(c.tr.base)} limit ${hex(c.tr.limit)} attr ${hex(c.tr.attr)}`);
  out.push(`    ${c.halted ? "halted" : "running"}${c.shadow ? ", interrupt shadow" : ""}; ${c.cycles} cycles, debt ${c.debt}, ${c.instructions} instructions`);
  out.push(`    msrs: ${short((c.msrs ?? null) as unknown as Json)}`);
  out.push(`    x87: ${short((c.x87 ?? null) as unknown as Json)}`);
  if (m.devices.length > 0) out.push(`  devices: ${m.devices.map((d) => d.unit).join(", ")}`);
  for (const d of m.devices) out.push(`  device ${d.unit} (version ${d.version}):`, ...fieldLines(d.state, "    "));
  return out;
}

/** The kernel note: every field, with the HM callback state and the ports spelled out. */
function kernelLines(k: Json): string[] {
  if (!isObject(k)) return [`kernel: ${short(k)}`];
  const out = [`kernel: time ${String(k["now"])} ns, slot hint ${short(k["slotHint"])}, shutdown ${short(k["shutdown"])}`];
  for (const [name, v] of Object.entries(k)) {
    switch (name) {
      case "now":
      case "slotHint":
      case "shutdown":
        break;
      case "partitions":
        for (const p of Array.isArray(v) ? v : []) out.push(...partitionLines(p));
        break;
      case "hmLog": {
        const entries = isObject(v) && Array.isArray(v["entries"]) ? v["entries"] : [];
        out.push(`  HM log: ${entries.length} entries, ${isObject(v) ? String(v["dropped"]) : "?"} dropped`);
        for (const e of entries) out.push(`    ${short(e)}`);
        break;
      }
      case "moduleWaiting":
        out.push(`  module HM callback: ${Array.isArray(v) ? v.length : 0} decisions wait for the ModuleCallback`);
        for (const d of Array.isArray(v) ? v : []) out.push(`    ${short(d)}`);
        break;
      case "ports":
        out.push(`  ports:`, ...fieldLines(v, "    "));
        break;
      default:
        out.push(`  ${name}: ${short(v)}`);
    }
  }
  return out;
}

function partitionLines(p: Json): string[] {
  if (!isObject(p)) return [`  partition ${short(p)}`];
  const held = Array.isArray(p["callback"]) ? p["callback"] : [];
  const errors = Array.isArray(p["errors"]) ? p["errors"] : [];
  return [
    `  partition ${String(p["id"])}: ${String(p["mode"])} (${String(p["startCondition"])}), sleepUntil ${short(p["sleepUntil"])}, doneUntil ${short(p["doneUntil"])}, stats ${short(p["stats"])}`,
    `    errors: ${errors.length}${errors.length > 0 ? ` ${short(errors)}` : ""}`,
    `    HM callback: ${held.length === 0 ? "none running" : `running, ${held.length} decisions held until it returns`}`,
    ...held.map((d) => `      ${short(d)}`),
  ];
}

/** Everything of the content as one JSON value (RAM as its sizes, page runs as their addresses). */
export function snapshotInfoJson(c: SnapshotContent): Json {
  return {
    kind: c.kind,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    checksum: c.checksum ?? null,
    base: c.base === undefined ? null : { file: c.base.file, sha256: c.base.checksum },
    chain: c.chain === undefined ? null : [...c.chain],
    params: c.params,
    machines: c.machines.map((m) => ({
      name: m.name,
      kind: m.kind,
      ramBytes: m.ramBytes,
      ramStored: m.ram.length,
      vaddrBase: m.vaddrBase,
      runs: m.runs === undefined ? null : m.runs.map((r) => ({ addr: r.addr, bytes: r.data.length })),
      cpu: m.cpu as unknown as Json,
      devices: m.devices.map((d) => ({ unit: d.unit, version: d.version, state: d.state })),
      extra: m.extra,
    })),
    kernel: c.kernel,
  };
}
