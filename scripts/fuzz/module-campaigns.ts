// The fuzz campaigns that run a whole module (module-harness.ts): random instruction bytes in a PV and
// in an FV partition, and random hypercalls from a PV partition through every binding. Each case is
// checked against the reference run (the fuzzed partition left alone): the neighbour's lines and
// window edges must be equal to the nanosecond; any exception out of the kernel is a host exception.
import { SERVICES } from "../../kernel/hypercall/generated/abi-generated";
import { PV_CONSTANTS } from "../../kernel/hypercall/generated/abi-layout";
import { parseLibpv } from "../../kernel/loader/libpv-image";
import { LIBPV_IMAGE } from "../../kernel/module/repo-paths";
import { readFileSync } from "fs";
import { join } from "path";
import type { CampaignReport } from "./campaigns";
import { runCase, type CaseResult, type FuzzedPartition } from "./module-harness";
import { Rng } from "./rng";

const BINDINGS: readonly FuzzedPartition["binding"][] = ["trap", "jumptable", "jumptable-eager"];
/** Calls placed per injection (the code then loops back to the first, until a fault or the case ends). */
const CALLS_PER_INJECTION = 24;

function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** A random argument word: small numbers, lengths, pointers into the guest's RAM, libpv, the kernel's range. */
function argument(rng: Rng): number {
  switch (rng.below(8)) {
    case 0:
      return 0;
    case 1:
      return rng.below(64);
    case 2:
      return PV_CONSTANTS.IMAGE_BASE + rng.below(0x40000);
    case 3:
      return PV_CONSTANTS.LIBPV_BASE + rng.below(0x10000);
    case 4:
      return 0xc0000000 + rng.below(0x1000000);
    case 5:
      return 0xffffffff - rng.below(16);
    case 6:
      return rng.below(0x10000);
    default:
      return rng.u32();
  }
}

/** A service id: mostly live ones, sometimes unknown or huge. */
function serviceId(rng: Rng): number {
  const r = rng.below(10);
  if (r < 8) return SERVICES[rng.below(SERVICES.length)]?.id ?? 0;
  return r === 8 ? rng.below(256) : rng.u32();
}

/** `code` followed by a `jmp rel32` back to its first byte. */
function loopBack(code: number[]): Uint8Array {
  return Uint8Array.from([...code, 0xe9, ...u32le(-(code.length + 5) >>> 0)]);
}

/** Trap binding: `mov eax..edi, imm32; int 0x82` per call, then back to the first call. */
function trapCalls(rng: Rng): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < CALLS_PER_INJECTION; i++) {
    out.push(0xb8, ...u32le(serviceId(rng)));
    for (const op of [0xbb, 0xb9, 0xba, 0xbe, 0xbf]) out.push(op, ...u32le(argument(rng)));
    out.push(0xcd, 0x82);
  }
  return loopBack(out);
}

/** Jump-table bindings: calls into libpv's exports (the functions a bound slot reaches) with random stack arguments. */
function libpvCalls(rng: Rng, exports: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < CALLS_PER_INJECTION; i++) {
    for (let k = 0; k < 5; k++) out.push(0x68, ...u32le(argument(rng)));
    const target = rng.below(8) === 0 ? PV_CONSTANTS.LIBPV_BASE + rng.below(0x4000) : (exports[rng.below(exports.length)] ?? PV_CONSTANTS.LIBPV_BASE);
    out.push(0xb8, ...u32le(target), 0xff, 0xd0, 0x83, 0xc4, 0x14); // mov eax, target; call eax; add esp, 20
  }
  return loopBack(out);
}

/** Reference results by mode and binding (the neighbour's view does not depend on the seed). */
const references = new Map<string, CaseResult>();

function reference(root: string, kind: "PV" | "FV", binding: FuzzedPartition["binding"]): CaseResult {
  const key = `${root}|${kind}|${binding}`;
  let r = references.get(key);
  if (r === undefined) {
    r = runCase(root, undefined, kind, binding);
    references.set(key, r);
  }
  return r;
}

function campaign(name: string, root: string, seed: number, iterations: number, pick: (it: number, rng: Rng) => FuzzedPartition, work: (r: CaseResult) => number): CampaignReport {
  const rng = new Rng(seed);
  const findings: string[] = [];
  let host = 0;
  let breaks = 0;
  let done = 0;
  for (let it = 0; it < iterations; it++) {
    const fuzzed = pick(it, rng);
    const ref = reference(root, fuzzed.kind, fuzzed.binding);
    const where = `${name} seed ${seed} iteration ${it} (${fuzzed.kind} ${fuzzed.binding})`;
    try {
      const r = runCase(root, fuzzed, fuzzed.kind, fuzzed.binding);
      done += work(r);
      const same = r.neighbourLines.length === ref.neighbourLines.length && r.neighbourLines.every((l, i) => l === ref.neighbourLines[i]);
      const edges = r.neighbourEdges.length === ref.neighbourEdges.length && r.neighbourEdges.every((e, i) => e === ref.neighbourEdges[i]);
      if (!same || !edges) {
        breaks++;
        if (findings.length < 5) findings.push(`${where}: the neighbour's ${same ? "window edges" : "output"} changed`);
      }
    } catch (err) {
      host++;
      if (findings.length < 5) findings.push(`${where}: host exception ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ")}`);
    }
  }
  return { campaign: name, seed, iterations, work: done, hostExceptions: host, isolationBreaks: breaks, findings };
}

/** Random instruction bytes (4 KiB at the entry, again after every restart) in a PV or FV partition. */
export function bytesCampaign(kind: "PV" | "FV", root: string, seed: number, iterations: number): CampaignReport {
  const name = kind === "PV" ? "pv-bytes" : "fv-bytes";
  return campaign(name, root, seed, iterations, (_it, rng) => ({ kind, binding: "trap", code: () => rng.bytes(4096) }), (r) => r.instructions);
}

/** Random service ids and arguments from a PV partition, the binding rotating per case. */
export function hypercallCampaign(root: string, seed: number, iterations: number): CampaignReport {
  const libpv = parseLibpv(new Uint8Array(readFileSync(join(root, LIBPV_IMAGE))));
  if (!libpv.ok) throw new Error(`hypercalls campaign: ${libpv.message}`);
  const exports = libpv.image.exports.map((e) => e.address);
  return campaign("hypercalls", root, seed, iterations, (it, rng) => {
    const binding = BINDINGS[it % BINDINGS.length] ?? "trap";
    return { kind: "PV", binding, code: () => (binding === "trap" ? trapCalls(rng) : libpvCalls(rng, exports)) };
  }, (r) => r.hypercalls);
}
