// Runs a module file end to end for the CLI and the scenario tests: validate, check it is runnable,
// build the VMs, run for a duration or a number of major frames, and return what happened. No
// printing: callers get console lines and notices through callbacks and format them themselves.
import type { Diagnostic } from "../config/diagnostic";
import { loadConfig } from "../config/load";
import type { HostFiles, ModuleHost } from "../host/files";
import type { SystemConfig } from "../config/model";
import { checkRunnable } from "../config/run-checks";
import { checkHostBudget } from "./host-budget";
import { MAX_NUMERIC_NS } from "../sched/window-cursor";
import { nanos, type Nanos, type PartitionId } from "../mem/types";
import type { Json, SnapshotContent } from "../snapshot/snapshot-file";
import { ReadOnceFiles } from "../snapshot/read-once-files";
import type { TraceSink } from "../trace/tracer";
import { PartitionLoadError } from "./load-error";
import { pausePoints } from "./run-pieces";
import { ModuleRunner, type ModuleRunResult } from "./module-runner";
import type { PartitionVm } from "./partition-vm";
import { vmFactory, type VmBuilders } from "./vm-factory";

/** How long to run: virtual time, or whole major frames of the initial schedule. */
export type RunLength = { readonly kind: "duration"; readonly value: Nanos } | { readonly kind: "frames"; readonly count: number };

/** What runModule needs. */
export interface RunModuleOptions {
  readonly file: string;
  readonly length: RunLength;
  /** File access for the XML and the images, and where libpv is. */
  readonly host: ModuleHost;
  /** The VM builders for this module (they need its clock and folder). */
  readonly builders: (config: SystemConfig) => VmBuilders;
  readonly trace: TraceSink;
  readonly onConsoleLine: (partition: string, line: string) => void;
  readonly onNotice?: (time: Nanos, text: string) => void;
  /**
   * Called once the module is valid, before any partition loads or runs (e.g. to size prefixes, or to
   * check options against the module). A returned sentence refuses the run with that reason.
   */
  readonly onValid?: (config: SystemConfig) => string | undefined;
  /** Keep the state at the end for a snapshot (unfinished console lines stay buffered, not flushed). */
  readonly save?: boolean;
  /** Continue this module snapshot instead of starting fresh; the length counts from its time. */
  readonly resume?: SnapshotContent;
  /**
   * Called at pause points (major-frame boundaries, up to PROGRESS_PIECES of them) and at the end; a run
   * with progress prints exactly what one without prints.
   */
  readonly onProgress?: (p: RunProgress) => void;
}

/** How far a run has got. */
export interface RunProgress {
  readonly time: Nanos;
  readonly end: Nanos;
  /** Guest cycles executed so far, all partitions together. */
  readonly cyclesRun: number;
}

/** Most pieces a run with progress is cut into. */
export const PROGRESS_PIECES = 200;

/** The outcome: the file was invalid, a partition could not load, or the module ran. */
export type RunModuleOutcome =
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "loadError"; readonly error: PartitionLoadError }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "badSnapshot"; readonly message: string }
  | { readonly kind: "ran"; readonly config: SystemConfig; readonly result: ModuleRunResult; readonly until: Nanos; readonly snapshot?: SnapshotContent };

/** The end time for `length` in `config` (frames count in the initial schedule's major frame). */
export function runEnd(config: SystemConfig, length: RunLength): Nanos {
  if (length.kind === "duration") return length.value;
  const initial = config.schedules.find((s) => s.initial) ?? config.schedules[0];
  if (initial === undefined) throw new Error("a validated module has at least one schedule");
  return nanos(initial.majorFrame * BigInt(length.count));
}

/** What a module snapshot records to rebuild the same module: the XML and every image, by content (as loaded: each file is read once). */
function moduleParams(files: ReadOnceFiles, file: string, config: SystemConfig, time: Nanos): { [key: string]: Json } {
  const images = config.partitions.flatMap((p) => [p.guest.image, ...p.guest.modules, p.guest.initrd]).filter((x): x is string => x !== undefined);
  return { module: files.absolute(file), moduleSha256: files.hash(file), images: images.map((i) => ({ path: files.absolute(i), sha256: files.hash(i) })), time: time.toString() };
}

/** Why a module snapshot does not fit the module on disk, or undefined. */
function paramsProblem(files: ReadOnceFiles, params: { readonly [key: string]: Json }, config: SystemConfig, file: string): string | undefined {
  if (params["moduleSha256"] !== files.hash(file)) return `header note: field params.moduleSha256: ${file} changed since the snapshot was saved`;
  const now = moduleParams(files, file, config, nanos(0))["images"];
  if (JSON.stringify(now) !== JSON.stringify(params["images"])) return "header note: field params.images: a guest image changed since the snapshot was saved";
  return undefined;
}

/** A module validated and loaded, not yet run: its runner and its partitions' VMs by name. */
export type PreparedModule =
  | Exclude<RunModuleOutcome, { readonly kind: "ran" }>
  | { readonly kind: "ready"; readonly config: SystemConfig; readonly runner: ModuleRunner; readonly until: Nanos; readonly start: Nanos; readonly vms: ReadonlyMap<string, PartitionVm>; readonly files: HostFiles };

/** Validates, loads and runs the module in `opts.file`. */
export function runModule(opts: RunModuleOptions): RunModuleOutcome {
  const p = prepareModule(opts);
  if (p.kind !== "ready") return p;
  const { config, runner, until, start, files } = p;
  const progress = opts.onProgress;
  const report = (r: ModuleRunResult): void => progress?.({ time: r.time, end: until, cyclesRun: r.partitions.reduce((n, q) => n + q.cyclesRun, 0) });
  if (progress !== undefined) {
    for (const t of pausePoints(config, until, PROGRESS_PIECES)) {
      if (t <= start) continue;
      const r = runner.runUntil(t, false);
      if (r.end.kind === "shutdown") break;
      report(r);
    }
  }
  const result = runner.runUntil(until, opts.save !== true);
  report(result);
  if (opts.save !== true) return { kind: "ran", config, result, until };
  const snap = runner.snapshot();
  // The hashes of the files as they were loaded (read once, by prepareModule): not read again here.
  const hashed = files instanceof ReadOnceFiles ? files : new ReadOnceFiles(files);
  const snapshot: SnapshotContent = { kind: "module", params: moduleParams(hashed, opts.file, config, result.time), machines: snap.machines, kernel: snap.kernel };
  return { kind: "ran", config, result, until, snapshot };
}

/** Validates and loads the module in `opts.file` and builds its runner (for callers that run it in steps). */
export function prepareModule(opts: RunModuleOptions): PreparedModule {
  // A run that saves or resumes hashes the XML and every image: each is read once, for the hash and the load.
  const files = opts.save === true || opts.resume !== undefined ? new ReadOnceFiles(opts.host.files) : opts.host.files;
  const loaded = loadConfig(opts.file, files);
  if (!loaded.ok) return { kind: "invalid", diagnostics: loaded.errors };
  const config = loaded.config;
  const missing = [...checkHostBudget(config), ...checkRunnable(config)];
  if (missing.length > 0) return { kind: "invalid", diagnostics: missing };
  const refusal = opts.onValid?.(config);
  if (refusal !== undefined) return { kind: "refused", message: refusal };
  if (opts.resume !== undefined && files instanceof ReadOnceFiles) {
    const problem = paramsProblem(files, opts.resume.params, config, opts.file);
    if (problem !== undefined) return { kind: "badSnapshot", message: problem };
  }
  const names = new Map<PartitionId, string>(config.partitions.map((p) => [p.id, p.name]));
  let runner: ModuleRunner;
  const vms = new Map<string, PartitionVm>();
  const create = vmFactory(opts.builders(config), files);
  try {
    runner = new ModuleRunner({
      config,
      createVm: (p, console, links) => {
        const vm = create(p, console, links);
        vms.set(p.name, vm);
        return vm;
      },
      trace: opts.trace,
      onConsoleLine: (id, line) => opts.onConsoleLine(names.get(id) ?? String(id), line),
      ...(opts.onNotice === undefined ? {} : { onNotice: opts.onNotice }),
    });
  } catch (e) {
    if (e instanceof PartitionLoadError) return { kind: "loadError", error: e };
    throw e;
  }
  let start = nanos(0);
  if (opts.resume !== undefined) {
    const prepared = runner.prepareRestore(opts.resume.kernel, opts.resume.machines);
    if (!prepared.ok) return { kind: "badSnapshot", message: prepared.error };
    prepared.apply();
    start = runner.time;
  }
  const until = nanos(start + runEnd(config, opts.length));
  if (until > BigInt(MAX_NUMERIC_NS)) return { kind: "refused", message: `the run would end at ${until} ns of virtual time, beyond 2^53 ns (about 104 days), the longest run apexvisor keeps exact` };
  return { kind: "ready", config, runner, until, start, vms, files };
}
