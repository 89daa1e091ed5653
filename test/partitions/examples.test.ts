// Every shipped example module (partitions/examples/*.xml) runs, and its HM tables act visibly: each
// example's expected HM events (partition, code, table action, from the trace), final modes and restart
// counts (from the run's summary table) and the console lines that show the action's effect (a warm
// start keeps .data, a cold start reloads it, a callback's record). Then a mutation of one table action
// per case, covering every partition action kind, must change the outcome, and the trace must show the
// mutated action: the tables, not defaults, decide. Runs through the real CLI; skips without images.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";

const ROOT = resolve(__dirname, "..", "..", "..");
const EXAMPLES = join(ROOT, "partitions", "examples");
const CLI = join(ROOT, "bin", "apexvisor.js");
const IMAGES = ["example-trap-O2.elf", "example-jumptable-O2.elf"].map((f) => join(ROOT, "build", "guests", "partitions", "examples", "apps", f));

/** What a run of a module shows about its HM tables. */
interface Outcome {
  /** `partition code -> action` per hmEvent of the trace, in order. */
  readonly hm: readonly string[];
  /** `name mode restarts` per partition, from the summary table. */
  readonly partitions: readonly string[];
  readonly stdout: string;
}

function run(xml: string, frames: number, dir: string): Outcome {
  const trace = join(dir, "trace.jsonl");
  const args = [CLI, "run", xml, "--frames", String(frames), "--trace", trace, "--no-progress"];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: "0" } });
  if (r.status !== 0) throw new Error(`apexvisor run ${xml}: status ${String(r.status)}\n${r.stderr}`);
  const events = readFileSync(trace, "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as { kind: string; partition?: number; errorCode?: string; action?: string });
  const partitions: string[] = [];
  const table = r.stdout.slice(r.stdout.indexOf("\npartition "));
  for (const line of table.split("\n").slice(2)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8 || line.startsWith("ran ")) continue;
    partitions.push(`${cols[0]} ${cols[cols.length - 1]} ${cols[cols.length - 2]}`);
  }
  const hm = events.filter((e) => e.kind === "hmEvent").map((e) => `P${String(e.partition)} ${e.errorCode ?? ""} -> ${e.action ?? ""}`);
  return { hm, partitions, stdout: r.stdout };
}

/** The example with image and module paths made absolute, and `from` replaced by `to` (exactly one match). */
function mutant(file: string, from: string, to: string): string {
  const xml = readFileSync(file, "utf8");
  const at = xml.indexOf(from);
  if (at < 0 || xml.indexOf(from, at + 1) >= 0) throw new Error(`${file}: the mutation site must occur exactly once: ${from}`);
  const abs = (_m: string, attr: string, p: string): string => `${attr}="${resolve(dirname(file), p)}"`;
  return (xml.slice(0, at) + to + xml.slice(at + from.length)).replace(/\b(Image|Path)="([^"]+)"/g, abs);
}

interface Example {
  readonly file: string;
  /** Major frames to run: until the restarted partition has printed its boot line. */
  readonly frames: number;
  readonly hm: readonly string[];
  readonly partitions: readonly string[];
  /** Console lines that show the actions' effects. */
  readonly lines: readonly RegExp[];
}

const EXAMPLES_EXPECTED: readonly Example[] = [
  {
    file: "three-partitions.xml",
    frames: 2,
    hm: ["P1 MEMORY_VIOLATION -> PARTITION:WARM_START", "P2 ILLEGAL_REQUEST -> PARTITION:IDLE"],
    partitions: ["flight_ctrl NORMAL 1", "nav IDLE 0", "display NORMAL 0"],
    lines: [/flight_ctrl: boot 2, start condition 3\n/, /flight_ctrl: PartitionCallback ran 1 time\(s\): error code 5 in system state 6\n/, /PartitionCallback returned; PARTITION:WARM_START applies/],
  },
  {
    file: "two-partitions-standard.xml",
    frames: 3,
    hm: ["P10 MEMORY_VIOLATION -> PARTITION:COLD_START"],
    partitions: ["producer NORMAL 1", "consumer NORMAL 0"],
    lines: [/producer: boot 1, start condition 3\n/],
  },
  {
    file: "multi-schedule-p2.xml",
    frames: 3,
    hm: ["P3 APPLICATION_ERROR -> PARTITION:IDLE"],
    partitions: ["manager NORMAL 0", "sensors NORMAL 1", "maintenance IDLE 1"],
    lines: [/manager: SET_MODULE_SCHEDULE\(2\) rc=0\n/, /sensors: boot 2, start condition 1\n/],
  },
];

const FC = '<Error_ID_Action ErrorIdentifier="3" Action="WARM_START"/>';
const NAV = '<Error_ID_Action ErrorIdentifier="4" Action="IDLE"/>';
const PRODUCER = '<Error_ID_Action ErrorIdentifier="2" Action="COLD_START"/>';
const MAINT = '<Error_ID_Action ErrorIdentifier="1" Action="IDLE"/>';
/** One table action changed (each partition action kind is a target once); the trace must then show it. */
const MUTANTS: readonly { file: string; from: string; action: string; error: string }[] = [
  { file: "three-partitions.xml", from: FC, action: "IDLE", error: "P1 MEMORY_VIOLATION" },
  { file: "three-partitions.xml", from: NAV, action: "IGNORE", error: "P2 ILLEGAL_REQUEST" },
  { file: "two-partitions-standard.xml", from: PRODUCER, action: "WARM_START", error: "P10 MEMORY_VIOLATION" },
  { file: "multi-schedule-p2.xml", from: MAINT, action: "COLD_START", error: "P3 APPLICATION_ERROR" },
];

describe("partitions/examples: every shipped example runs and its HM tables act", function () {
  this.timeout(300_000);
  let dir = "";
  before(function () {
    const missing = IMAGES.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      console.log(`    (skipped: run \`npm run build:guests\`; missing ${missing.join(", ")})`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "apexvisor-examples-"));
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("covers every example module", () => {
    expect(EXAMPLES_EXPECTED.map((e) => e.file).sort()).to.deep.equal(readdirSync(EXAMPLES).filter((f) => f.endsWith(".xml")).sort());
  });

  const base = new Map<string, Outcome>();
  for (const ex of EXAMPLES_EXPECTED) {
    it(`${ex.file}: runs; the HM events, modes and restarts are the ones its tables give`, () => {
      const o = run(join(EXAMPLES, ex.file), ex.frames, dir);
      base.set(ex.file, o);
      expect(o.hm).to.deep.equal(ex.hm);
      expect(o.partitions).to.deep.equal(ex.partitions);
      for (const l of ex.lines) expect(o.stdout).to.match(l);
    });
  }

  for (const m of MUTANTS) {
    const from = /Action="([A-Z_]+)"/.exec(m.from)?.[1] ?? "";
    it(`${m.file}: ${m.error} ${from} -> ${m.action} changes the outcome`, () => {
      const file = join(dir, `mutant-${m.file}`);
      writeFileSync(file, mutant(join(EXAMPLES, m.file), m.from, m.from.replace(`Action="${from}"`, `Action="${m.action}"`)));
      const o = run(file, EXAMPLES_EXPECTED.find((e) => e.file === m.file)?.frames ?? 3, dir);
      expect(o.hm, "that error follows the mutated table").to.include(`${m.error} -> PARTITION:${m.action}`);
      const b = base.get(m.file);
      if (b === undefined) throw new Error(`${m.file}: its base run did not run first`);
      expect({ hm: o.hm, partitions: o.partitions }).to.not.deep.equal({ hm: b.hm, partitions: b.partitions });
    });
  }
});
