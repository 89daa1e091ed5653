// The RTOS test protocol parser and collector: exact line forms, ordinary output ignored, SUITE counts
// checked against the TEST lines.
import { expect } from "chai";
import { parseResultLine, ResultCollector, suiteProblems } from "../../../../kernel/cli/test-suite/results";

describe("cli/test-suite/results", () => {
  it("parses PASS, FAIL with a reason, and SUITE lines", () => {
    expect(parseResultLine("TEST core.sem_count PASS")).to.deep.equal({ kind: "test", group: "core", name: "sem_count", pass: true, reason: "" });
    expect(parseResultLine("TEST intra.buffer_empty FAIL line 3: rc 2, want 6")).to.deep.equal({
      kind: "test",
      group: "intra",
      name: "buffer_empty",
      pass: false,
      reason: "line 3: rc 2, want 6",
    });
    expect(parseResultLine("SUITE core DONE 25 1")).to.deep.equal({ kind: "suite", group: "core", passed: 25, failed: 1 });
  });

  it("ignores other output and near misses", () => {
    for (const l of ["rtos-tests: group core", "TEST core PASS", "TEST core.x OK", "SUITE core DONE x 1", " TEST a.b PASS"])
      expect(parseResultLine(l), l).to.equal(null);
  });

  it("collects per partition and flags a missing SUITE line or disagreeing counts", () => {
    const c = new ResultCollector();
    c.add(2, "TEST ports_rx.create PASS");
    c.add(1, "TEST ports_tx.a PASS");
    c.add(1, "TEST ports_tx.b FAIL why");
    c.add(1, "SUITE ports_tx DONE 1 1");
    expect(c.allDone([1])).to.equal(true);
    expect(c.allDone([1, 2])).to.equal(false);
    const [p1, p2] = c.list();
    expect(p1?.partition).to.equal(1);
    expect(suiteProblems(p1, 1)).to.deep.equal([]);
    expect(suiteProblems(p2, 2)).to.deep.equal(["partition 2 never printed its SUITE line"]);
    c.add(2, "SUITE ports_rx DONE 2 0");
    expect(suiteProblems(c.list()[1], 2)[0]).to.match(/SUITE says 2\/0, lines say 1\/0/);
    expect(suiteProblems(undefined, 3)).to.deep.equal(["partition 3 printed nothing"]);
  });
});
