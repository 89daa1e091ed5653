// Snapshot size and host time: the demo module after one frame and a 64 MiB `boot` guest, saved to
// bytes (encode, checksum included) and restored from them (decode, check, rebuild, apply); full, and
// incremental (a delta after one more frame / 3000 more instructions, restored with its base: decode
// both, apply the pages, rebuild, apply). Times are host ms (median).
import { performance } from "perf_hooks";
import { NODE_HOST } from "../host/node/node-files";
import { defaultBuilders } from "../module/default-builders";
import { runModule } from "../module/run-module";
import { bootMultiboot, resumeBoot } from "../machine/pc-boot";
import { nanos } from "../mem/types";
import { applyDelta } from "../snapshot/snapshot-chain";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from "../snapshot/snapshot-file";
import { NULL_SINK } from "../trace/tracer";
import { median } from "./stats";

/** One row of the snapshot table. */
export interface SnapshotRow {
  readonly what: string;
  readonly kind: "full" | "incremental";
  readonly bytes: number;
  readonly saveMs: number;
  readonly restoreMs: number;
}

function timed(runs: number, f: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function decoded(bytes: Uint8Array): SnapshotContent {
  const d = decodeSnapshot(bytes);
  if (!d.ok) throw new Error(`bench snapshot does not read back: ${d.error}`);
  return d.content;
}

/** Measures the demo module (`demoXml`) and a 64 MiB boot of `bootElf` (the boot-test guest's initcount mode). */
export function measureSnapshots(demoXml: string, bootElf: { bytes: Uint8Array; path: string }, runs: number): SnapshotRow[] {
  const noLines = (): void => undefined;
  const run = (resume?: SnapshotContent, frames = resume === undefined ? 1 : 0): SnapshotContent | undefined => {
    // Saving: one frame, then the snapshot. Restoring: decode, check, rebuild the module, apply; run nothing more.
    const length = frames > 0 ? ({ kind: "frames", count: frames } as const) : ({ kind: "duration", value: nanos(0) } as const);
    const out = runModule({ file: demoXml, length, host: NODE_HOST, builders: (c) => defaultBuilders(c, NODE_HOST), trace: NULL_SINK, onConsoleLine: noLines, ...(frames > 0 ? { save: true } : {}), ...(resume === undefined ? {} : { resume }) });
    if (out.kind !== "ran") throw new Error(`bench: demo module ${out.kind}`);
    return out.snapshot;
  };
  const demo = run();
  if (demo === undefined) throw new Error("bench: no demo snapshot");
  let demoBytes: Uint8Array = new Uint8Array(0);
  const demoSave = timed(runs, () => (demoBytes = encodeSnapshot(demo)));
  const demoRestore = timed(runs, () => run(decoded(demoBytes)));
  // Incremental: restored from the full file, one more frame, then a delta on it.
  const demoBase = decoded(demoBytes);
  const demoNext = run(demoBase, 1);
  if (demoNext === undefined || demoBase.checksum === undefined) throw new Error("bench: no demo delta");
  const demoRef = { file: "demo.core", checksum: demoBase.checksum };
  let demoDelta: Uint8Array = new Uint8Array(0);
  const demoDeltaSave = timed(runs, () => (demoDelta = encodeSnapshot({ ...demoNext, base: demoRef })));
  const demoDeltaRestore = timed(runs, () => run(chained(demoDelta, demoBytes)));
  const boot = bootMultiboot({ elf: bootElf.bytes, elfPath: bootElf.path, commandLine: "initcount", memoryBytes: 64 * 1024 * 1024, maxInstructions: 9000, keepState: true, stdout: noLines });
  if (boot.snapshot === undefined || boot.params === undefined) throw new Error("bench: no boot snapshot");
  const machine = boot.snapshot();
  const params = boot.params;
  const content: SnapshotContent = { kind: "boot", params: { memoryBytes: params.memoryBytes, clockHz: params.clockHz, debugConsole: params.debugConsole }, machines: [machine], kernel: null };
  let bootBytes: Uint8Array = new Uint8Array(0);
  const bootSave = timed(runs, () => (bootBytes = encodeSnapshot(content)));
  const bootRestore = timed(runs, () => {
    const m = decoded(bootBytes).machines[0];
    if (m === undefined) throw new Error("bench: boot snapshot without a machine");
    // Stops at once (the limit is the saved count): the figure is decode + check + rebuild + apply.
    resumeBoot({ params, machine: m, maxInstructions: boot.instructions, stdout: noLines });
  });
  // Incremental: restored from the full file, 3000 more instructions, then a delta on it.
  const bootBase = decoded(bootBytes);
  const bootNext = resumeBoot({ params, machine: bootBase.machines[0]!, maxInstructions: boot.instructions + 3000, keepState: true, stdout: noLines });
  if (bootNext.snapshot === undefined || bootBase.checksum === undefined) throw new Error("bench: no boot delta");
  const bootDeltaContent: SnapshotContent = { ...content, machines: [bootNext.snapshot()], base: { file: "boot.core", checksum: bootBase.checksum } };
  let bootDelta: Uint8Array = new Uint8Array(0);
  const bootDeltaSave = timed(runs, () => (bootDelta = encodeSnapshot(bootDeltaContent)));
  const bootDeltaRestore = timed(runs, () => {
    const m = chained(bootDelta, bootBytes).machines[0];
    if (m === undefined) throw new Error("bench: boot delta without a machine");
    resumeBoot({ params, machine: m, maxInstructions: bootNext.instructions, stdout: noLines });
  });
  return [
    { what: "demo module (3 partitions), after 1 frame", kind: "full", bytes: demoBytes.length, saveMs: demoSave, restoreMs: demoRestore },
    { what: "demo module, 1 more frame, delta on the full file", kind: "incremental", bytes: demoDelta.length, saveMs: demoDeltaSave, restoreMs: demoDeltaRestore },
    { what: "boot guest, 64 MiB RAM", kind: "full", bytes: bootBytes.length, saveMs: bootSave, restoreMs: bootRestore },
    { what: "boot guest, 3000 more instructions, delta on the full file", kind: "incremental", bytes: bootDelta.length, saveMs: bootDeltaSave, restoreMs: bootDeltaRestore },
  ];
}

/** A delta and its base decoded, checked and applied: what restoring a two-file chain costs before the rebuild. */
function chained(delta: Uint8Array, base: Uint8Array): SnapshotContent {
  const r = applyDelta(decoded(delta), decoded(base));
  if (!r.ok) throw new Error(`bench delta does not apply: ${r.error}`);
  return r.content;
}
