// Runs a module file end to end for the CLI and the scenario tests: validate, check it is runnable,
// build the VMs, run for a duration or a number of major frames, and return what happened. No
// printing: callers get console lines and notices through callbacks and format them themselves.
import type { Diagnostic } from "../config/diagnostic";
import { loadConfig } from "../config/load";
import type { SystemConfig } from "../config/model";
import { checkRunnable } from "../config/run-checks";
import { nanos, type Nanos, type PartitionId } from "../mem/types";
import type { TraceSink } from "../trace/tracer";
import { PartitionLoadError } from "./load-error";
import { ModuleRunner, type ModuleRunResult } from "./module-runner";
import type { PartitionVm } from "./partition-vm";
import { vmFactory, type VmBuilders } from "./vm-factory";

/** How long to run: virtual time, or whole major frames of the initial schedule. */
export type RunLength = { readonly kind: "duration"; readonly value: Nanos } | { readonly kind: "frames"; readonly count: number };

/** What runModule needs. */
export interface RunModuleOptions {
  readonly file: string;
  readonly length: RunLength;
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
}

/** The outcome: the file was invalid, a partition could not load, or the module ran. */
export type RunModuleOutcome =
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "loadError"; readonly error: PartitionLoadError }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "ran"; readonly config: SystemConfig; readonly result: ModuleRunResult; readonly until: Nanos };

/** The end time for `length` in `config` (frames count in the initial schedule's major frame). */
export function runEnd(config: SystemConfig, length: RunLength): Nanos {
  if (length.kind === "duration") return length.value;
  const initial = config.schedules.find((s) => s.initial) ?? config.schedules[0];
  if (initial === undefined) throw new Error("a validated module has at least one schedule");
  return nanos(initial.majorFrame * BigInt(length.count));
}

/** A module validated and loaded, not yet run: its runner and its partitions' VMs by name. */
export type PreparedModule =
  | Exclude<RunModuleOutcome, { readonly kind: "ran" }>
  | { readonly kind: "ready"; readonly config: SystemConfig; readonly runner: ModuleRunner; readonly until: Nanos; readonly vms: ReadonlyMap<string, PartitionVm> };

/** Validates, loads and runs the module in `opts.file`. */
export function runModule(opts: RunModuleOptions): RunModuleOutcome {
  const p = prepareModule(opts);
  if (p.kind !== "ready") return p;
  return { kind: "ran", config: p.config, result: p.runner.runUntil(p.until), until: p.until };
}

/** Validates and loads the module in `opts.file` and builds its runner (for callers that run it in steps). */
export function prepareModule(opts: RunModuleOptions): PreparedModule {
  const loaded = loadConfig(opts.file);
  if (!loaded.ok) return { kind: "invalid", diagnostics: loaded.errors };
  const config = loaded.config;
  const missing = checkRunnable(config);
  if (missing.length > 0) return { kind: "invalid", diagnostics: missing };
  const refusal = opts.onValid?.(config);
  if (refusal !== undefined) return { kind: "refused", message: refusal };
  const names = new Map<PartitionId, string>(config.partitions.map((p) => [p.id, p.name]));
  let runner: ModuleRunner;
  const vms = new Map<string, PartitionVm>();
  const create = vmFactory(opts.builders(config));
  try {
    runner = new ModuleRunner({
      config,
      createVm: (p, console) => {
        const vm = create(p, console);
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
  return { kind: "ready", config, runner, until: runEnd(config, opts.length), vms };
}
