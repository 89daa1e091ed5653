// Scenario tests (the POK habit): each folder of test/scenarios/ holds a module.xml, the command-line
// arguments for `apexvisor run` in `args`, and the expected stdout in expected.txt. The runner boots the
// module headless through the real CLI twice, compares stdout byte for byte with expected.txt and the
// two traces with each other, and checks from the trace that every window started and ended exactly
// where the schedule puts it. UPDATE_EXPECTED=1 rewrites expected.txt (review the diff!).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { loadConfig } from "../kernel/config/load";
import { NODE_FILES } from "../kernel/host/node/node-files";

const ROOT = resolve(__dirname, "..", "..");
const SCENARIOS = join(ROOT, "test", "scenarios");
const CLI = join(ROOT, "bin", "apexvisor.js");

interface TraceLine {
  readonly kind: string;
  /** Virtual time in ns, as a decimal string. */
  readonly t: string;
  readonly partition?: number;
}

function runCli(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("scenarios (apexvisor run, golden output)", function () {
  this.timeout(300_000);
  const names = existsSync(SCENARIOS) ? readdirSync(SCENARIOS).filter((n) => existsSync(join(SCENARIOS, n, "module.xml"))).sort() : [];
  for (const name of names) {
    it(`${name}: same output as expected.txt twice, identical traces, exact windows`, () => {
      const dir = join(SCENARIOS, name);
      const xml = join("test", "scenarios", name, "module.xml");
      const extra = readFileSync(join(dir, "args"), "utf8").trim().split(/\s+/).filter((a) => a.length > 0);
      const tmp = mkdtempSync(join(tmpdir(), "apexvisor-scenario-"));
      try {
        const runs = [1, 2].map((i) => {
          const trace = join(tmp, `trace${i}.jsonl`);
          const r = runCli(["run", xml, ...extra, "--no-color", "--trace", trace]);
          expect(r.stderr, `stderr of run ${i}`).to.equal("");
          expect(r.status, `exit status of run ${i}`).to.equal(0);
          return { stdout: r.stdout, trace: readFileSync(trace, "utf8") };
        });
        const expectedFile = join(dir, "expected.txt");
        if (process.env["UPDATE_EXPECTED"] === "1") writeFileSync(expectedFile, runs[0]?.stdout ?? "");
        expect(runs[0]?.stdout).to.equal(readFileSync(expectedFile, "utf8"));
        expect(runs[1]?.stdout).to.equal(runs[0]?.stdout);
        expect(runs[1]?.trace).to.equal(runs[0]?.trace);
        checkWindowsExact(join(ROOT, xml), runs[0]?.trace ?? "");
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

/** Every window of every frame in the trace starts and ends where the (single) schedule puts it. */
function checkWindowsExact(xmlFile: string, trace: string): void {
  const loaded = loadConfig(xmlFile, NODE_FILES);
  if (!loaded.ok) throw new Error(`scenario XML invalid: ${JSON.stringify(loaded.errors)}`);
  const schedule = loaded.config.schedules[0];
  if (schedule === undefined) throw new Error("no schedule");
  const events = trace.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as TraceLine);
  const starts = events.filter((e) => e.kind === "windowStart");
  const ends = events.filter((e) => e.kind === "windowEnd");
  expect(starts.length).to.be.greaterThan(0);
  expect(ends.length).to.equal(starts.length);
  starts.forEach((s, i) => {
    const w = schedule.windows[i % schedule.windows.length];
    if (w === undefined) throw new Error("window index");
    const frame = BigInt(Math.floor(i / schedule.windows.length));
    const start = frame * schedule.majorFrame + w.start;
    expect([s.partition, BigInt(s.t)], `window ${i} start`).to.deep.equal([w.partition, start]);
    expect([ends[i]?.partition, BigInt(ends[i]?.t ?? -1)], `window ${i} end`).to.deep.equal([w.partition, start + w.duration]);
  });
}
