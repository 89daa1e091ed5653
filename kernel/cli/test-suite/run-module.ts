// Runs one module of the RTOS test suite headless: loads its XML, builds each partition's VM through the
// kernel's one VM factory (the same builders `apexvisor run` uses), advances virtual time in steps until every partition reached its declared end (or a
// virtual-time limit), and returns what each partition reported, judged against the test sources'
// manifest (names) and the module's declarations (HM events, restarts, clean end). No printing, no exit.
import { loadConfig } from "../../config/load";
import { nanos } from "../../mem/types";
import { ModuleRunner } from "../../module/module-runner";
import type { TraceEvent } from "../../trace/trace-event";
import { nameProblems, type TestManifest } from "./manifest";
import { parseResultLine, ResultCollector, suiteProblems, type PartitionReport } from "./results";
import { judgeTimeline, parseDeclaration, type PartitionDeclaration, type TimelineEntry } from "./verdict";
import { NODE_FILES } from "../../host/node/node-files";
import type { ModuleHost } from "../../host/files";
import { defaultBuilders } from "../../module/default-builders";
import { vmFactory } from "../../module/vm-factory";

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

/** Runs the module in `file` until every partition ended as declared or `limitMs` of virtual time passed. */
export function runSuiteModule(file: string, host: ModuleHost, manifest: TestManifest, limitMs: number = DEFAULT_LIMIT_MS): ModuleRun {
  const loaded = loadConfig(file, NODE_FILES);
  if (!loaded.ok) {
    const errs = loaded.errors.map((e) => `${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}`);
    return { reports: [], problems: errs, notices: [], virtualMs: 0 };
  }
  const config = loaded.config;
  const ids = config.partitions.map((p) => Number(p.id));
  const collector = new ResultCollector();
  const notices: string[] = [];
  const problems: string[] = [...manifest.problems];
  const decls = new Map<number, PartitionDeclaration>();
  const timelines = new Map<number, TimelineEntry[]>(ids.map((id) => [id, []]));
  const names = new Map<string, number>();
  for (const p of config.partitions) {
    const d = parseDeclaration(p.guest.commandLine ?? "");
    problems.push(...d.problems.map((m) => `partition ${p.id}: ${m}`));
    decls.set(Number(p.id), d.decl);
    names.set(p.name, Number(p.id));
  }
  const push = (id: number | undefined, e: TimelineEntry): void => {
    if (id !== undefined) timelines.get(id)?.push(e);
  };
  const trace = {
    emit: (e: TraceEvent): void => {
      if (e.kind === "hmEvent") {
        const entry: TimelineEntry = { kind: "hm", systemState: e.systemState, errorCode: e.errorCode, level: e.level, action: e.action };
        if (e.partition === undefined) for (const id of ids) push(id, entry);
        else push(Number(e.partition), entry);
      } else if (e.kind === "modeChange") {
        push(Number(e.partition), { kind: "mode", from: e.from, to: e.to });
        if (e.to === "COLD_START" || e.to === "WARM_START") collector.markRestart(Number(e.partition));
      }
    },
  };
  let runner: ModuleRunner;
  try {
    runner = new ModuleRunner({
      config,
      createVm: vmFactory(defaultBuilders(config, host), host.files),
      trace,
      onConsoleLine: (pid, line) => {
        collector.add(Number(pid), line);
        const r = parseResultLine(line);
        if (r !== null) push(Number(pid), r.kind === "suite" ? { kind: "suite" } : { kind: "test", name: `${r.group}.${r.name}` });
      },
      onNotice: (_t, text) => {
        notices.push(text);
        const m = /^partition (\S+) stopped itself \((.*)\); it is now IDLE$/.exec(text);
        if (m !== null) push(names.get(m[1] ?? ""), { kind: "stop", reason: m[2] ?? "" });
      },
    });
  } catch (e) {
    return { reports: [], problems: [`cannot start the module: ${(e as Error).message}`], notices, virtualMs: 0 };
  }
  const judge = (id: number, final: boolean): { ended: boolean; problems: string[] } =>
    judgeTimeline(decls.get(id) ?? { group: undefined, hm: [] }, timelines.get(id) ?? [], final);
  const limit = BigInt(limitMs) * 1_000_000n;
  let now = 0n;
  let shutdown: string | undefined;
  while (now < limit && !ids.every((id) => judge(id, false).ended) && shutdown === undefined) {
    now = now + STEP_NS < limit ? now + STEP_NS : limit;
    const r = runner.runUntil(nanos(now));
    if (r.end.kind === "shutdown") shutdown = r.end.reason;
  }
  const reports = collector.list();
  for (const id of ids) {
    const decl = decls.get(id);
    const report = reports.find((r) => r.partition === id);
    const declaredShutdown = shutdown !== undefined && decl?.hm.at(-1)?.action === "MODULE:SHUTDOWN";
    const idleEnd = decl?.hm.at(-1)?.action === "PARTITION:IDLE";
    if (!declaredShutdown && !idleEnd) problems.push(...suiteProblems(report, id));
    problems.push(...judge(id, true).problems.map((m) => `partition ${id}: ${m}`));
    if (decl?.group === undefined) problems.push(`partition ${id}: no group= on its CommandLine`);
    else if (!declaredShutdown && !idleEnd) problems.push(...nameProblems(manifest, decl.group, report?.tests ?? []).map((m) => `partition ${id}: ${m}`));
  }
  if (shutdown !== undefined && !ids.every((id) => decls.get(id)?.hm.at(-1)?.action === "MODULE:SHUTDOWN")) problems.push(`module shut down: ${shutdown}`);
  return { reports, problems, notices, virtualMs: Number(now / 1_000_000n) };
}
