// The benchmark report: one plain data structure, rendered as JSON (tracking), a markdown table (the
// terminal and docs) and its exact counts (what the test pins). Pure: no measuring, no I/O.
import type { SnapshotRow } from "./snapshot-bench";
import { ataMarkdown, type AtaBenchRow } from "./ata-bench";
import { deviceModelMarkdown, type DeviceModelReport } from "./device-model-bench";
import { CALL_PATH_LABELS, type CallPathRow } from "./call-paths";
import type { CostAssumption } from "./cost-assumptions";
import { HOST_REF_LABELS, HOST_REF_NAMES, type HostRefs } from "./host-refs";
import { DEFAULT_BLOCK_CACHE_BYTES, FV_BLOCK_CACHE_BYTES } from "../cpu/block-cache";
import { MAX_SHARED_CHARS } from "../cpu/decoder/block-builder";
import { isFlat, type MemoryFigure, type SimSpeed, type SwitchRow } from "./module-scale";
import type { Spread } from "./stats";

/** Guest MIPS of one CPU-bound guest and its ratio to native. */
export interface MipsRow {
  readonly name: string;
  readonly instructions: number;
  readonly mips: number;
  /** Emulated host time / native time of the same C (median runs). */
  readonly slowdown: number;
  readonly note: string;
}

/** Everything one `apexvisor bench` run measured. */
export type { SnapshotRow };

export interface BenchReport {
  readonly quick: boolean;
  /** Where the call paths ran: the kernel's PV machine, or the test-only stand-in. */
  readonly callPathMachine: string;
  readonly notes: readonly string[];
  readonly costModel: readonly CostAssumption[];
  readonly callPaths: readonly CallPathRow[];
  readonly hostRefs: HostRefs;
  readonly mips: readonly MipsRow[];
  readonly switching: readonly SwitchRow[];
  readonly simSpeed: SimSpeed | null;
  readonly memory: MemoryFigure | null;
  /** Snapshot size and save/restore host time (kernel/bench/snapshot-bench.ts). */
  readonly snapshots: readonly SnapshotRow[];
  /** Disk-controller rows, one per (metric, placement) (kernel/bench/ata-bench.ts). */
  readonly ata?: readonly AtaBenchRow[];
  /** In-kernel vs partition-served UART (kernel/bench/device-model-bench.ts). */
  readonly deviceModels?: DeviceModelReport;
}

/** The exact, deterministic part of a report: instructions and cycles per service and path. */
export type ExactCounts = Record<string, { readonly instructions: number; readonly cycles: number }>;

/** Extracts the exact counts keyed "service/path". */
export function exactCounts(r: BenchReport): ExactCounts {
  const out: ExactCounts = {};
  for (const row of r.callPaths) out[`${row.service}/${row.path}`] = { instructions: row.instructions, cycles: row.cycles };
  return out;
}

function ns(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** "median (min–max)" in ns. */
export function fmtSpread(s: Spread): string {
  return `${ns(s.median)} (${ns(s.min)}–${ns(s.max)})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function callPathSection(r: BenchReport): string {
  const services = [...new Set(r.callPaths.map((c) => c.service))];
  const parts = services.map((s) => {
    const rows = r.callPaths
      .filter((c) => c.service === s)
      .map((c) => [CALL_PATH_LABELS[c.path], String(c.instructions), String(c.cycles), fmtSpread(c.hostNs)]);
    return `### ${s}\n\n${table(["path", "guest instructions / call", "modeled cycles / call", "host ns / call (median, min–max)"], rows)}`;
  });
  return `## Call paths (on ${r.callPathMachine})\n\n${parts.join("\n\n")}`;
}

function hostRefSection(h: HostRefs): string {
  switch (h.kind) {
    case "skipped":
      return `## Host physical references\n\n${h.reason}`;
    case "measured":
      return `## Host physical references (this machine, this run)\n\n${table(
        ["reference", "host ns (median, min–max)"],
        HOST_REF_NAMES.map((n) => [HOST_REF_LABELS[n], fmtSpread(h.ns[n])]),
      )}`;
    default: {
      const unreachable: never = h;
      return unreachable;
    }
  }
}

function kernelSection(r: BenchReport): string {
  const out: string[] = [];
  if (r.mips.length > 0) {
    out.push(`## Guest CPU speed\n\n${table(["guest", "instructions", "guest MIPS", "slowdown vs native", ""], r.mips.map((m) => [m.name, String(m.instructions), m.mips.toFixed(1), `${m.slowdown.toFixed(0)}x`, m.note]))}`);
  }
  if (r.switching.length > 0) {
    const flat = isFlat(r.switching) ? "flat (largest median within 50% of the smallest)" : "NOT flat (largest median more than 50% above the smallest)";
    out.push(`## Partition switch cost (synthetic VMs, ${(r.switching[0]?.windowNs ?? 0) / 1000} µs windows)\n\n${table(["partitions", "windows timed", "host ns / switch (median, min–max)"], r.switching.map((s) => [String(s.partitions), String(s.windows), fmtSpread(s.hostNsPerSwitch)]))}\n\nCurve: ${flat}.`);
  }
  if (r.simSpeed !== null) {
    const s = r.simSpeed;
    out.push(`## Simulation speed\n\n${s.partitions} FV partitions, ${s.virtualNs / 1e6} ms of virtual time in ${(s.hostNs.median / 1e6).toFixed(0)} ms host (median): **${s.ratio.toFixed(3)} virtual s per host s**.`);
  }
  if (r.snapshots.length > 0) {
    out.push(`## Snapshots (full and incremental)\n\n${table(["snapshot", "kind", "bytes", "save ms (median)", "restore ms (median)"], r.snapshots.map((s) => [s.what, s.kind, String(s.bytes), s.saveMs.toFixed(1), s.restoreMs.toFixed(1)]))}\n\nSave = encode to bytes with the SHA-256; restore = decode, check every note, rebuild the machine or module, apply. Files are trimmed after the last non-zero RAM page. An incremental row is a delta holding the RAM pages written since the full file was restored; its restore reads both files and applies the pages.`);
  }
  if (r.ata !== undefined && r.ata.length > 0) out.push(ataMarkdown(r.ata));
  if (r.deviceModels !== undefined) out.push(deviceModelMarkdown(r.deviceModels));
  if (r.memory !== null) out.push(`## Memory\n\n**${(r.memory.bytesPerPartition / 1024).toFixed(0)} KiB per partition at rest**. Method: ${r.memory.method}.\n\n${budgetLine()}`);
  return out.join("\n\n");
}

/** The host-memory bound per partition whatever the guest does (kernel/cpu/README.md, "Host memory"). */
export function budgetLine(): string {
  const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
  return `Host-memory budget per partition beyond its RAM: block cache ${mib(DEFAULT_BLOCK_CACHE_BYTES)} for a PV partition, ${mib(FV_BLOCK_CACHE_BYTES)} for an FV one (generated source and closures, estimated; when full, the blocks not looked up lately go: in the last half budget of new code, at least), plus one process-wide cache of shared block functions bounded at ${MAX_SHARED_CHARS / 1048576} Mi characters of source.`;
}

/** The whole report as markdown. */
export function renderMarkdown(r: BenchReport): string {
  const notes = r.notes.map((n) => `- ${n}`).join("\n");
  const cost = table(["cost model entry", "value", "source"], r.costModel.map((c) => [c.name, c.value, c.source]));
  return [`# apexvisor bench${r.quick ? " (--quick: tiny counts, host times meaningless)" : ""}`, notes, callPathSection(r), hostRefSection(r.hostRefs), `## Cost model assumptions\n\n${cost}`, kernelSection(r)]
    .filter((s) => s !== "")
    .join("\n\n")
    .concat("\n");
}

/** The report as JSON text (stable key order: the structure's own). */
export function renderJson(r: BenchReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
