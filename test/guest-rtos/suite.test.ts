// The guest RTOS test suite, run inside partitions over every binding: one mocha test per module and
// binding, failing with the partition's output when any guest test fails or a SUITE line is missing.
// Skips (and says so) when the images are not built or this build has no PV kernel yet.
import { NODE_HOST } from "../../kernel/host/node/node-files";
import { expect } from "chai";
import { join } from "path";
import { missingImages, planSuite } from "../../kernel/cli/test-suite/plan";
import { loadManifest } from "../../kernel/cli/test-suite/load-manifest";
import { runSuiteModule } from "../../kernel/cli/test-suite/run-module";

const ROOT = join(__dirname, "..", "..", "..");

describe("guest RTOS test suite in partitions", function () {
  this.timeout(120_000);
  const modules = planSuite(ROOT);

  it("has a module per group and binding, at least 60 guest tests each binding once run", () => {
    expect(modules.filter((m) => m.binding === "trap").map((m) => m.name)).to.include.members(["core", "process", "intra", "partition", "ports", "hm_stack", "hm_deadline", "hm_memory", "qlist"]);
    expect(modules.filter((m) => m.binding === "jumptable").length).to.equal(modules.filter((m) => m.binding === "trap").length);
    expect(modules.filter((m) => m.binding === "pc").map((m) => m.name)).to.have.members(["core", "process", "intra", "partition", "hm_stack", "hm_deadline", "logbook", "ports", "qlist", "part2", "schedule", "warm", "hm_memory", "hm_module", "shared_memory", "shm_fault", "mem_access", "hm_upcall", "hm_callback", "hm_modcb"]);
  });

  const counts = { trap: 0, jumptable: 0, pc: 0 };
  for (const m of modules) {
    it(`${m.binding}/${m.name}: every guest test passes`, function () {
      const missing = missingImages(ROOT);
      if (missing.length > 0) {
        console.log(`    (skipped: run \`npm run build:guests\`; missing ${missing.join(", ")})`);
        this.skip();
      }
      const host = NODE_HOST;
      const run = runSuiteModule(m.file, host, loadManifest(ROOT));
      const tests = run.reports.flatMap((r) => r.tests);
      counts[m.binding] += tests.length;
      const failing = tests.filter((t) => !t.pass).map((t) => `${t.group}.${t.name}: ${t.reason}`);
      const output = run.reports.map((r) => `--- partition ${r.partition}\n${r.lines.join("\n")}`).join("\n");
      expect([...run.problems, ...failing], output).to.deep.equal([]);
      expect(tests.length, "tests reported").to.be.greaterThan(0);
    });
  }

  it("ran at least 60 guest tests per binding (when the modules ran)", function () {
    if (counts.trap === 0 && counts.jumptable === 0) this.skip();
    expect(counts.trap).to.be.at.least(60);
    expect(counts.jumptable).to.be.at.least(60);
  });
});
