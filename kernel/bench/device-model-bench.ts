// In-kernel vs partition-served device models for `apexvisor bench` (issue 11): the same FV guest (the
// hello guest printing over COM1) with its UART emulated in the kernel, or served by the ioserver PV
// partition through the ioreq ring with the server's window adjacent to the client's or only every
// other client frame. Per placement: host ns per port access (end-to-end, whole module), modeled
// virtual latency per access (issued -> completed in the trace), the guest's virtual run time, and the
// kernel-process memory the model costs. Reads the example XML; does not write files.
import { join } from "path";
import { performance } from "perf_hooks";
import type { HostFiles, ModuleHost } from "../host/files";
import { NODE_HOST } from "../host/node/node-files";
import { Uart16550 } from "../devices/uart16550";
import { nanos, type Nanos } from "../mem/types";
import { defaultBuilders } from "../module/default-builders";
import { prepareModule } from "../module/run-module";
import type { TraceEvent } from "../trace/trace-event";
import { MemoryTracer, NULL_SINK } from "../trace/tracer";
import { median } from "./stats";

/** One placement of the UART model. */
export interface DeviceModelRow {
  readonly placement: string;
  /** Port accesses the guest made to COM1 (forwarded requests; the same guest code in every placement). */
  readonly accesses: number;
  /** Host ns per access: median host time of the whole run up to the guest's end / accesses. */
  readonly hostNsPerAccess: number;
  /** Median and max virtual ns from issue to completion of one access (0 in the kernel: the access is part of the instruction). */
  readonly latencyMedianNs: number;
  readonly latencyMaxNs: number;
  /** Virtual ns from module start until the guest stops (debug-exit). */
  readonly guestVirtualNs: number;
}

/** The section: one row per placement and the memory figures. */
export interface DeviceModelReport {
  readonly rows: readonly DeviceModelRow[];
  /** Kernel-process bytes of one in-kernel 16550A model (heap, N instances / N); null without --expose-gc. */
  readonly inKernelModelBytes: number | null;
  /** Kernel-process bytes the served placement adds: module with the server partition minus the module without it; null without --expose-gc. */
  readonly servedExtraBytes: number | null;
  readonly notes: readonly string[];
}

const SERVED_LINE = '<apx:Device Name="uart16550@0x3f8" Server="io"/>';
/** The schedule of partitions/io-partition/module.xml: client window, then the server's (200 us frame). */
const ADJACENT = /<Module_Schedule[\s\S]*<\/Module_Schedule>/;
/** 400 us frame: the client runs every 200 us, the server only in the last 100 us of the frame. */
const EVERY_OTHER_FRAME = `<Module_Schedule MajorFrameSeconds="0.0004">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.0002" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.0002" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
    <Partition_Schedule PartitionIdentifier="2" PeriodSeconds="0.0004" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="3" WindowStartSeconds="0.0003" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>`;
/** Same client windows as EVERY_OTHER_FRAME, with a server window right after each. */
const ADJACENT_400 = `<Module_Schedule MajorFrameSeconds="0.0004">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.0002" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.0002" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
    <Partition_Schedule PartitionIdentifier="2" PeriodSeconds="0.0002" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="3" WindowStartSeconds="0.0001" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
      <Window_Schedule WindowIdentifier="4" WindowStartSeconds="0.0003" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>`;

/** NODE_HOST with some module files served from memory (variants of the example XML, beside it so its relative paths hold). */
function overlayHost(files: ReadonlyMap<string, string>): ModuleHost {
  const base = NODE_HOST.files;
  const overlay: HostFiles = {
    read: (path, limit) => {
      const text = files.get(path);
      return text === undefined ? base.read(path, limit) : { ok: true, bytes: new TextEncoder().encode(text) };
    },
    absolute: (path) => (files.has(path) ? path : base.absolute(path)),
  };
  return { ...NODE_HOST, files: overlay };
}

export interface Variant {
  readonly placement: string;
  readonly file: string;
}

/** Loads and builds the module (not timed), then times its run for `ns` of virtual time. */
function runOnce(host: ModuleHost, file: string, ns: Nanos, traced: boolean): { events: readonly TraceEvent[]; hostMs: number } {
  const tracer = new MemoryTracer();
  const p = prepareModule({ file, length: { kind: "duration", value: ns }, host, builders: (c) => defaultBuilders(c, host), trace: traced ? tracer : NULL_SINK, onConsoleLine: () => undefined });
  if (p.kind !== "ready") throw new Error(`bench: device models: ${file}: ${p.kind}`);
  const t = performance.now();
  p.runner.runUntil(p.until);
  return { events: tracer.events, hostMs: performance.now() - t };
}

/** Runs one placement: trace once for the accesses and latencies, then `runs` untraced timed runs up to the guest's end. */
export function measureVariant(host: ModuleHost, v: Variant, runs: number, limitNs: bigint, accessesInKernel: number): DeviceModelRow {
  const traced = runOnce(host, v.file, nanos(limitNs), true).events;
  const end = traced.find((e) => e.kind === "modeChange" && e.partition === 1 && e.to === "IDLE")?.time;
  if (end === undefined) throw new Error(`bench: device models: the guest did not finish within ${limitNs} ns (${v.placement})`);
  const issued = new Map<number, bigint>();
  const latencies: number[] = [];
  for (const e of traced) {
    if (e.kind !== "ioreq") continue;
    if (e.phase === "issued") issued.set(e.id, e.time);
    if (e.phase === "completed") latencies.push(Number(e.time - (issued.get(e.id) ?? e.time)));
  }
  const accesses = latencies.length > 0 ? latencies.length : accessesInKernel;
  const hostMs: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const t = runOnce(host, v.file, end, false).hostMs;
    if (r > 0) hostMs.push(t);
  }
  return {
    placement: v.placement,
    accesses,
    hostNsPerAccess: (median(hostMs) * 1e6) / accesses,
    latencyMedianNs: latencies.length > 0 ? median(latencies) : 0,
    latencyMaxNs: latencies.length > 0 ? Math.max(...latencies) : 0,
    guestVirtualNs: Number(end),
  };
}

function footprint(gc: () => void): number {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

/** Heap of one in-kernel UART model: N instances kept alive, delta / N. */
function uartBytes(gc: () => void): number {
  const n = 20_000;
  const before = footprint(gc);
  const keep = Array.from({ length: n }, () => new Uart16550({ set: () => undefined }, { write: () => undefined }));
  const after = footprint(gc);
  if (keep.length !== n) throw new Error("kept models lost");
  return Math.round((after - before) / n);
}

/**
 * What serving the UART from a partition adds to the kernel process: the booted served module minus the
 * booted client-only module (in-kernel UART, no server partition), each runner held while weighed.
 */
function servedExtra(host: ModuleHost, clientOnly: string, served: string, gc: () => void): number {
  const weigh = (file: string): number => {
    const before = footprint(gc);
    const p = prepareModule({ file, length: { kind: "duration", value: nanos(1_000_000n) }, host, builders: (c) => defaultBuilders(c, host), trace: NULL_SINK, onConsoleLine: () => undefined });
    if (p.kind !== "ready") throw new Error(`bench: device models: ${file}: ${p.kind}`);
    p.runner.runUntil(p.until);
    const after = footprint(gc);
    if (p.runner.moduleClock.clockHz <= 0) throw new Error("module clock lost"); // keeps the runner alive past the weighing
    return after - before;
  };
  // One warm-up weighing of each: lazily built globals (compiled code, caches) land outside the figures.
  weigh(served);
  weigh(clientOnly);
  return Math.round(weigh(served) - weigh(clientOnly));
}

/** Runs the section; `root` is the repo root (guest images built). */
export function measureDeviceModels(root: string, runs: number, gc: (() => void) | undefined): DeviceModelReport {
  const dir = join(root, "partitions", "io-partition");
  const original = new TextDecoder().decode((() => {
    const r = NODE_HOST.files.read(join(dir, "module.xml"));
    if (!r.ok) throw new Error(`bench: device models: cannot read ${join(dir, "module.xml")}`);
    return r.bytes;
  })());
  const files = new Map<string, string>([
    [join(dir, "bench-in-kernel.xml"), original.replace(SERVED_LINE, "")],
    [
      join(dir, "bench-client-only.xml"),
      original
        .replace(SERVED_LINE, "")
        .replace(/<Partition PartitionIdentifier="2"[\s\S]*?<\/Partition>/, "")
        .replace(/<Partition_Memory PartitionIdentifier="2">[\s\S]*?<\/Partition_Memory>/, "")
        .replace(/<Partition_Schedule PartitionIdentifier="2"[\s\S]*?<\/Partition_Schedule>/, ""),
    ],
    [join(dir, "bench-served-adjacent.xml"), original.replace(ADJACENT, ADJACENT_400)],
    [join(dir, "bench-served-every-other-frame.xml"), original.replace(ADJACENT, EVERY_OTHER_FRAME)],
  ]);
  if ([...files.values()].some((t) => t === original)) throw new Error("bench: device models: partitions/io-partition/module.xml changed shape");
  const host = overlayHost(files);
  // Memory first, before the timed runs leave garbage behind.
  const inKernelModelBytes = gc === undefined ? null : uartBytes(gc);
  const servedExtraBytes = gc === undefined ? null : servedExtra(host, join(dir, "bench-client-only.xml"), join(dir, "bench-served-adjacent.xml"), gc);
  const adjacent = measureVariant(host, { placement: "partition, server window adjacent", file: join(dir, "bench-served-adjacent.xml") }, runs, 400_000_000n, 0);
  const far = measureVariant(host, { placement: "partition, server every other client frame", file: join(dir, "bench-served-every-other-frame.xml") }, runs, 400_000_000n, 0);
  const inKernel = measureVariant(host, { placement: "in-kernel", file: join(dir, "bench-in-kernel.xml") }, runs, 10_000_000n, adjacent.accesses);
  return {
    rows: [inKernel, adjacent, far],
    inKernelModelBytes,
    servedExtraBytes,
    notes: [
      "Guest: partitions/hello (FV) printing over COM1; module: partitions/io-partition/module.xml with the schedule replaced. Both served schedules have a 400 us major frame and the same client windows (0-100 us and 200-300 us); the server runs 100 us right after each client window (adjacent) or only at 300-400 us (every other client frame).",
      "Accesses: the forwarded requests of the served run; the in-kernel run executes the same guest code, so the same accesses. Host ns per access: median host time of the run (loading and building the module not timed) up to exactly the guest's virtual run time, no trace, divided by the accesses: everything the module does per access, both partitions and the guest's own code included.",
      "Virtual latency: issued -> completed in the ioreq trace; an in-kernel access costs the cost model's io cycles inside the instruction (kernel/cpu/cost-model.ts).",
      gc === undefined
        ? "Memory: not measured (run with node --expose-gc, as npm run bench does)."
        : "Memory: process.memoryUsage() heapUsed + external + arrayBuffers after forced gc. In-kernel: 20000 Uart16550 objects, delta / 20000. Served: the served module (client + server partitions) minus the same XML with the in-kernel UART and no server partition, each booted and run for 1 ms, its runner held while weighed (after one warm-up weighing of each); it includes the server vCPU's compiled blocks; the server partition's RAM (1 MiB in the XML) is most of it.",
    ],
  };
}

/** The port section with the MMIO rows (mmio-bench.ts) after its own. */
export function withMmio(r: DeviceModelReport, mmio: { readonly rows: readonly DeviceModelRow[]; readonly note: string }): DeviceModelReport {
  return { ...r, rows: [...r.rows, ...mmio.rows], notes: [...r.notes, mmio.note] };
}

/** The markdown section. */
export function deviceModelMarkdown(r: DeviceModelReport): string {
  const us = (ns: number): string => (ns / 1000).toFixed(1);
  const lines = ["| placement | accesses | host ns / access | virtual latency median (max) us | guest virtual run time us |", "|---|---:|---:|---:|---:|"];
  for (const row of r.rows) lines.push(`| ${row.placement} | ${row.accesses} | ${row.hostNsPerAccess.toFixed(0)} | ${us(row.latencyMedianNs)} (${us(row.latencyMaxNs)}) | ${us(row.guestVirtualNs)} |`);
  const mem = (b: number | null): string => (b === null ? "n/a" : `${b} bytes`);
  lines.push("", "| kernel-process memory | value |", "|---|---:|", `| one in-kernel 16550A model | ${mem(r.inKernelModelBytes)} |`, `| added by serving it from a partition (server machine + routing) | ${mem(r.servedExtraBytes)} |`);
  return `## Device models: in-kernel vs partition-served (UART)\n\n${lines.join("\n")}\n\n${r.notes.map((n) => `- ${n}`).join("\n")}`;
}
