// Runs one module of the RTOS test suite headless: loads its XML, builds each partition's VM through the
// injected factory, advances virtual time in steps until every partition printed its SUITE line (or a
// virtual-time limit), and returns what each partition reported. No printing, no process exit.
import { resolve } from "path";
import type { PartitionConfig, SystemConfig } from "../../config/model";
import { loadConfig } from "../../config/load";
import { nanos } from "../../mem/types";
import { ModuleRunner } from "../../module/module-runner";
import type { PartitionVm } from "../../module/partition-vm";
import { NULL_SINK } from "../../trace/tracer";
import { ResultCollector, suiteProblems, type PartitionReport } from "./results";
import { NODE_FILES } from "../../host/node/node-files";

/** Builds the VM of one partition (createPvVm bound to libpv and the image bytes). */
export type SuiteVmFactory = (partition: PartitionConfig, config: SystemConfig, imagePath: string, console: (bytes: Uint8Array) => void) => PartitionVm;

/** What one module run produced. */
export interface ModuleRun {
  readonly reports: PartitionReport[];
  /** Problems besides failing tests (no SUITE line, a load error, a shutdown). */
  readonly problems: string[];
  /** Kernel notices (HM actions, restarts), for a failing test's output. */
  readonly notices: string[];
  readonly virtualMs: number;
}

/** Virtual-time step between completion checks, and the default limit. */
const STEP_NS = 50_000_000n;
export const DEFAULT_LIMIT_MS = 5000;

/** Runs the module in `file` until every partition is done or `limitMs` of virtual time passed. */
export function runSuiteModule(file: string, createVm: SuiteVmFactory, limitMs: number = DEFAULT_LIMIT_MS): ModuleRun {
  const loaded = loadConfig(file, NODE_FILES);
  if (!loaded.ok) {
    const errs = loaded.errors.map((e) => `${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}`);
    return { reports: [], problems: errs, notices: [], virtualMs: 0 };
  }
  const config = loaded.config;
  const ids = config.partitions.map((p) => Number(p.id));
  const collector = new ResultCollector();
  const notices: string[] = [];
  let runner: ModuleRunner;
  try {
    runner = new ModuleRunner({
      config,
      createVm: (p, console) => createVm(p, config, resolve(p.guest.image ?? ""), console),
      trace: NULL_SINK,
      onConsoleLine: (pid, line) => collector.add(Number(pid), line),
      onNotice: (_t, text) => notices.push(text),
    });
  } catch (e) {
    return { reports: [], problems: [`cannot start the module: ${(e as Error).message}`], notices, virtualMs: 0 };
  }
  const limit = BigInt(limitMs) * 1_000_000n;
  let now = 0n;
  let shutdown: string | undefined;
  while (now < limit && !collector.allDone(ids) && shutdown === undefined) {
    now = now + STEP_NS < limit ? now + STEP_NS : limit;
    const r = runner.runUntil(nanos(now));
    if (r.end.kind === "shutdown") shutdown = r.end.reason;
  }
  const reports = collector.list();
  const problems = ids.flatMap((id) => suiteProblems(reports.find((r) => r.partition === id), id));
  if (shutdown !== undefined) problems.push(`module shut down: ${shutdown}`);
  return { reports, problems, notices, virtualMs: Number(now / 1_000_000n) };
}
