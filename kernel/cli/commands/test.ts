// `apexvisor test`: runs the guest RTOS test suite (partitions/rtos-tests/*.xml) over every binding, with
// progress, a table per binding and the final `N passed, N failed` line; a failing test shows its
// partition's output. Builds nothing: missing images are reported with the command that builds them.
import { NODE_HOST } from "../../host/node/node-files";
import { SingleBar } from "cli-progress";
import { join } from "path";
import type { Argv } from "yargs";
import { missingImages, planSuite, SUITE_BINDINGS, type SuiteBinding, type SuiteModule } from "../test-suite/plan";
import { loadManifest } from "../test-suite/load-manifest";
import { DEFAULT_LIMIT_MS, runSuiteModule, type ModuleRun } from "../test-suite/run-module";

/** Exit statuses of `apexvisor test`. */
export const TEST_EXIT = { ok: 0, failed: 1, usage: 2, notBuilt: 3 } as const;

interface TestArgs {
  binding: string;
  group: string | undefined;
  "limit-ms": number;
}

/** Repo root, from dist/kernel/cli/commands. */
const ROOT = join(__dirname, "..", "..", "..", "..");

interface Row {
  readonly module: SuiteModule;
  readonly run: ModuleRun;
  readonly passed: number;
  readonly failed: number;
}

function tally(module: SuiteModule, run: ModuleRun): Row {
  const tests = run.reports.flatMap((r) => r.tests);
  const passed = tests.filter((t) => t.pass).length;
  return { module, run, passed, failed: tests.length - passed + run.problems.length };
}

function table(binding: SuiteBinding, rows: readonly Row[]): string {
  const w = Math.max(6, ...rows.map((r) => r.module.name.length));
  const lines = [`${binding} binding`, `  ${"module".padEnd(w)}  passed  failed  virtual ms`];
  for (const r of rows) lines.push(`  ${r.module.name.padEnd(w)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.run.virtualMs).padStart(10)}`);
  return lines.join("\n");
}

function failureDetails(row: Row): string {
  const out: string[] = [];
  for (const p of row.run.problems) out.push(`  ${row.module.binding}/${row.module.name}: ${p}`);
  for (const rep of row.run.reports) {
    const bad = rep.tests.filter((t) => !t.pass);
    if (bad.length === 0 && row.run.problems.length === 0) continue;
    for (const t of bad) out.push(`  FAIL ${row.module.binding}/${t.group}.${t.name}: ${t.reason}`);
    out.push(`  --- output of partition ${rep.partition} (${row.module.binding}/${row.module.name}) ---`);
    for (const l of rep.lines) out.push(`  | ${l}`);
  }
  if (out.length > 0 && row.run.notices.length > 0) for (const n of row.run.notices) out.push(`  notice: ${n}`);
  return out.join("\n");
}

function run(args: TestArgs, setExit: (code: number) => void): void {
  const bindings = args.binding === "all" ? [...SUITE_BINDINGS] : SUITE_BINDINGS.filter((b) => b === args.binding);
  if (bindings.length === 0) {
    process.stderr.write(`apexvisor test: --binding ${args.binding}: expected one of all, ${SUITE_BINDINGS.join(", ")}\n`);
    setExit(TEST_EXIT.usage);
    return;
  }
  const limit = args["limit-ms"];
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    process.stderr.write(`apexvisor test: --limit-ms must be a whole number of milliseconds above 0\n`);
    setExit(TEST_EXIT.usage);
    return;
  }
  const plan = planSuite(ROOT);
  const groups = [...new Set(plan.map((m) => m.name))];
  if (args.group !== undefined && !groups.includes(args.group)) {
    process.stderr.write(`apexvisor test: --group ${args.group}: no such group (groups: ${groups.join(", ")})\n`);
    setExit(TEST_EXIT.usage);
    return;
  }
  const missing = missingImages(ROOT);
  if (missing.length > 0) {
    process.stderr.write(`apexvisor test: guest images not built (${missing.join(", ")}); run \`npm run build:guests\` first\n`);
    setExit(TEST_EXIT.notBuilt);
    return;
  }
  const host = NODE_HOST;
  const manifest = loadManifest(ROOT);
  const modules = plan.filter((m) => bindings.includes(m.binding) && (args.group === undefined || m.name === args.group));
  const tty = process.stdout.isTTY === true;
  const bar = tty ? new SingleBar({ format: "{bar} {value}/{total} {module}", hideCursor: true }) : undefined;
  bar?.start(modules.length, 0, { module: "" });
  const rows: Row[] = [];
  for (const m of modules) {
    if (bar === undefined) process.stdout.write(`running ${m.binding}/${m.name}\n`);
    const row = tally(m, runSuiteModule(m.file, host, manifest, args["limit-ms"]));
    rows.push(row);
    bar?.increment(1, { module: `${m.binding}/${m.name}` });
  }
  bar?.stop();
  for (const b of bindings) {
    const rs = rows.filter((r) => r.module.binding === b);
    if (rs.length > 0) process.stdout.write(`\n${table(b, rs)}\n`);
  }
  const details = rows.map(failureDetails).filter((d) => d.length > 0);
  if (details.length > 0) process.stdout.write(`\nfailures:\n${details.join("\n")}\n`);
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  setExit(failed > 0 || rows.length === 0 ? TEST_EXIT.failed : TEST_EXIT.ok);
}

/** Registers `apexvisor test` on the CLI. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "test",
    "Run the guest RTOS test suite in partitions over every binding (images from `npm run build:guests`). A module fails on a missing, extra, repeated or renamed test (names from guest-rtos/tests/*.c), on an HM event, restart or stop its CommandLine does not declare (hm=..., restart=...), and on anything after its SUITE line.",
    (y) =>
      y
        .option("binding", { type: "string", default: "all", describe: `all, ${SUITE_BINDINGS.join(", ")}` })
        .option("group", { type: "string", describe: "run only this module (core, process, intra, partition, ports, schedule, warm, logbook, part2, qlist, shared_memory, shm_fault, mem_access, hm_*)" })
        .option("limit-ms", { type: "number", default: DEFAULT_LIMIT_MS, describe: "virtual-time limit per module" }),
    (argv) => run({ binding: argv.binding, group: argv.group, "limit-ms": argv["limit-ms"] }, setExit),
  );
}
