// The kernel in a Web Worker: loads a module from files the page sends, runs it in steps (one window,
// N frames, or until paused) and posts what happened. It runs the very kernel the CLI runs: same config
// reader, same VM builders, same ModuleRunner; only the files come from memory.
import { formatDiagnostic } from "../kernel/config/diagnostic";
import { loadConfig } from "../kernel/config/load";
import type { SystemConfig } from "../kernel/config/model";
import { checkRunnable } from "../kernel/config/run-checks";
import { nanos, type Nanos, type PartitionId } from "../kernel/mem/types";
import { defaultBuilders } from "../kernel/module/default-builders";
import { PartitionLoadError } from "../kernel/module/load-error";
import { ModuleRunner, type ModuleRunResult } from "../kernel/module/module-runner";
import type { PartitionVm } from "../kernel/module/partition-vm";
import { vmFactory } from "../kernel/module/vm-factory";
import { writeChromeTrace } from "../kernel/trace/chrome-trace-writer";
import type { TraceEvent } from "../kernel/trace/trace-event";
import { MemoryFiles } from "./memory-files";
import { moduleView } from "./module-view";
import type { BusySlice, FromWorker, Progress, RunTarget, ToWorker } from "./protocol";
import { nextBoundary } from "./boundaries";

interface Session {
  readonly config: SystemConfig;
  readonly runner: ModuleRunner;
  readonly events: TraceEvent[];
  pending: TraceEvent[];
  busy: BusySlice[];
  notices: { time: bigint; text: string }[];
  result: ModuleRunResult | undefined;
  now: Nanos;
  /** The running module schedule and the time its current series of frames began (0, or its switch). */
  schedule: { id: number; origin: Nanos };
}

/** Events kept for the Chrome trace export (a longer run exports its first MAX_KEPT_EVENTS). */
const MAX_KEPT_EVENTS = 2_000_000;

/** Hz-exact ns length of `cycles` at `hz` (floor), for busy slices. */
function cyclesToNs(cycles: number, hz: number): bigint {
  return (BigInt(cycles) * 1_000_000_000n) / BigInt(hz);
}

/** Host milliseconds between progress messages during a run. */
const POST_EVERY_MS = 100;
let lastPost = 0;
let session: Session | undefined;
let running: { target: RunTarget; framesLeft: number } | undefined;

const post = (m: FromWorker): void => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

function load(msg: Extract<ToWorker, { type: "load" }>): void {
  session = undefined;
  running = undefined;
  const files = new MemoryFiles(msg.files, msg.byBaseName);
  const loaded = loadConfig(msg.xmlPath, files);
  if (!loaded.ok) return post({ type: "failed", message: loaded.errors.map(formatDiagnostic).join("\n") });
  const config = loaded.config;
  const missing = checkRunnable(config);
  if (missing.length > 0) return post({ type: "failed", message: missing.map(formatDiagnostic).join("\n") });
  const events: TraceEvent[] = [];
  const initial = config.schedules.find((x) => x.initial) ?? config.schedules[0];
  const schedule = { id: initial?.id ?? 0, origin: nanos(0) };
  const s = { pending: [] as TraceEvent[], busy: [] as BusySlice[], notices: [] as { time: bigint; text: string }[] };
  const host = { files, libpvPath: msg.libpvPath };
  const builders = vmFactory(defaultBuilders(config, host), files);
  try {
    const runner = new ModuleRunner({
      config,
      createVm: (p, console, links) => recordBusy(p.id, builders(p, console, links), config.ext.clockHz, s.busy),
      trace: {
        emit: (e) => {
          if (events.length < MAX_KEPT_EVENTS) events.push(e);
          s.pending.push(e);
          if (e.kind === "scheduleSwitch") {
            schedule.id = e.to;
            schedule.origin = e.time;
          }
        },
      },
      // Console lines reach the page through the trace's "console" events (one per completed line).
      onConsoleLine: () => undefined,
      onNotice: (time, text) => s.notices.push({ time, text }),
    });
    session = { config, runner, events, pending: s.pending, busy: s.busy, notices: s.notices, result: undefined, now: nanos(0), schedule };
  } catch (e) {
    if (e instanceof PartitionLoadError) return post({ type: "failed", message: e.message });
    throw e;
  }
  post({ type: "loaded", module: moduleView(config) });
  flush(true);
}

/** Wraps a VM so every run slice is recorded as a busy stretch [now, now + cycles). */
function recordBusy(id: PartitionId, vm: PartitionVm, hz: number, out: BusySlice[]): PartitionVm {
  const run = vm.run.bind(vm);
  vm.run = (budget, now) => {
    const slice = run(budget, now);
    if (slice.cycles > 0) out.push({ partition: id, start: now, end: now + cyclesToNs(slice.cycles, hz) });
    return slice;
  };
  return vm;
}

function flush(idle: boolean): void {
  const s = session;
  if (s === undefined) return;
  const r = s.result;
  const msg: Progress = {
    type: "progress",
    time: s.now,
    events: s.pending.splice(0),
    busy: s.busy.splice(0),
    notices: s.notices.splice(0),
    stats: (r?.partitions ?? []).map((p) => ({ ...p, id: p.id as number })),
    shutdown: r?.end.kind === "shutdown" ? r.end.reason : undefined,
    idle,
  };
  post(msg);
}

/** Runs one step of the current request and schedules the next, so "pause" messages get through. */
function step(): void {
  const s = session;
  const r = running;
  if (s === undefined || r === undefined) return;
  if (s.result?.end.kind === "shutdown") {
    running = undefined;
    return flush(true);
  }
  const b = nextBoundary(s.config, s.schedule.id, s.schedule.origin, s.now);
  const end = r.target.kind === "window" ? b.window : b.frame;
  s.result = s.runner.runUntil(end, false);
  s.now = s.result.time;
  if (r.target.kind === "window") running = undefined;
  else if (r.target.kind === "frames" && --r.framesLeft <= 0) running = undefined;
  // Progress goes out at most every POST_EVERY_MS of host time while running (batching only: what ran
  // does not depend on it), so a fast run cannot flood the page.
  const now = performance.now();
  if (running === undefined || now - lastPost >= POST_EVERY_MS) {
    lastPost = now;
    flush(running === undefined);
  }
  if (running !== undefined) setTimeout(step, 0);
}

self.onmessage = (ev: MessageEvent<ToWorker>): void => {
  const msg = ev.data;
  switch (msg.type) {
    case "load":
      load(msg);
      return;
    case "run": {
      const wasRunning = running !== undefined;
      running = { target: msg.target, framesLeft: msg.target.kind === "frames" ? msg.target.count : 0 };
      if (!wasRunning) setTimeout(step, 0);
      return;
    }
    case "pause":
      if (running === undefined) return;
      running = undefined;
      flush(true);
      return;
    case "exportTrace": {
      const s = session;
      if (s === undefined) return;
      const names = new Map(s.config.partitions.map((p) => [p.id as number, p.name]));
      post({ type: "chromeTrace", json: writeChromeTrace(s.events, names) });
      return;
    }
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
};
