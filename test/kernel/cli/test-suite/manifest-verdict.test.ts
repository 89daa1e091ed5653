// The harness's manifest (expected names from the C sources) and verdict (declared HM events, clean end).
import { expect } from "chai";
import { join } from "path";
import { loadManifest } from "../../../../kernel/cli/test-suite/load-manifest";
import { buildManifest, nameProblems } from "../../../../kernel/cli/test-suite/manifest";
import { judgeTimeline, parseDeclaration, type TimelineEntry } from "../../../../kernel/cli/test-suite/verdict";

const ROOT = join(__dirname, "..", "..", "..", "..", "..");

const SRC = `#define G "alpha"
static const struct test_case cases[] = { { "one", one }, { "two", two }, { 0, 0 } };
static void setup(void) { test_init_check(G, "init", rc, NO_ERROR); test_report("beta", "b1", 1, ""); }
const struct test_group group_alpha = { G, setup, cases, 0, 0 };
const struct test_group group_beta = { "beta", 0, 0, 0, 1 };
`;

describe("cli/test-suite/manifest and verdict", () => {
  it("reads group names from tables, init checks and direct reports", () => {
    const m = buildManifest([{ file: "t.c", text: SRC }]);
    expect(m.problems).to.deep.equal([]);
    expect([...(m.groups.get("alpha") ?? [])].sort()).to.deep.equal(["init", "one", "two"]);
    expect([...(m.groups.get("beta") ?? [])]).to.deep.equal(["b1"]);
  });

  it("fails a missing, extra, duplicated or renamed test", () => {
    const m = buildManifest([{ file: "t.c", text: SRC }]);
    const t = (name: string) => ({ group: "alpha", name });
    expect(nameProblems(m, "alpha", [t("init"), t("one"), t("two")])).to.deep.equal([]);
    expect(nameProblems(m, "alpha", [t("init"), t("one")])).to.deep.equal(["test alpha.two never reported"]);
    expect(nameProblems(m, "alpha", [t("init"), t("one"), t("two"), t("two")])).to.deep.equal(["test alpha.two reported twice"]);
    expect(nameProblems(m, "alpha", [t("init"), t("one"), t("deux")])).to.deep.equal(["unexpected test alpha.deux (not in the sources of group alpha)", "test alpha.two never reported"]);
  });

  it("knows every group of the shipped test sources", () => {
    const m = loadManifest(ROOT);
    expect(m.problems).to.deep.equal([]);
    expect([...m.groups.keys()]).to.include.members(["core", "process", "intra", "partition", "ports_tx", "ports_rx", "hm_stack", "hm_deadline", "hm_memory", "hm_upcall"]);
    expect(m.groups.get("core")?.size).to.be.greaterThan(20);
  });

  const decl = parseDeclaration("group=g hm=6/MEMORY_VIOLATION/PARTITION/PARTITION:COLD_START").decl;
  const hm = (action: string): TimelineEntry => ({ kind: "hm", systemState: 6, errorCode: "MEMORY_VIOLATION", level: "PARTITION", action });
  const clean: TimelineEntry[] = [hm("PARTITION:COLD_START"), { kind: "mode", from: "NORMAL", to: "COLD_START" }, { kind: "test", name: "g.a" }, { kind: "suite" }, { kind: "mode", from: "COLD_START", to: "IDLE" }];

  it("accepts the declared event, its restart and a clean end", () => {
    expect(judgeTimeline(decl, clean, true)).to.deep.equal({ ended: true, problems: [] });
  });

  it("fails another action, an undeclared event, a crash after the summary and a missing end", () => {
    expect(judgeTimeline(decl, [hm("PARTITION:IDLE"), ...clean.slice(1)], true).problems[0]).to.match(/declares/);
    expect(judgeTimeline({ group: "g", hm: [] }, clean, true).problems[0]).to.match(/unexpected HM event/);
    const crash: TimelineEntry[] = [...clean.slice(0, 4), hm("PARTITION:COLD_START"), { kind: "mode", from: "NORMAL", to: "COLD_START" }];
    expect(judgeTimeline(decl, crash, true).problems.join("\n")).to.match(/after the SUITE line/);
    expect(judgeTimeline(decl, clean.slice(0, 4), true).problems).to.deep.equal(["did not end cleanly after its SUITE line (never went IDLE)"]);
    expect(judgeTimeline(decl, [{ kind: "suite" }, { kind: "stop", reason: "debug-exit status 5" }], true).problems.join("\n")).to.match(/stopped: debug-exit status 5/);
  });

  it("accepts a restart only when the module declares it (restart=...)", () => {
    const t: TimelineEntry[] = [{ kind: "mode", from: "NORMAL", to: "WARM_START" }, { kind: "test", name: "g.a" }, { kind: "suite" }, { kind: "mode", from: "WARM_START", to: "IDLE" }];
    expect(judgeTimeline(parseDeclaration("group=g restart=WARM_START").decl, t, true).problems).to.deep.equal([]);
    expect(judgeTimeline(parseDeclaration("group=g").decl, t, true).problems).to.deep.equal(["unexpected restart (NORMAL -> WARM_START)"]);
    expect(judgeTimeline(parseDeclaration("group=g restart=COLD_START").decl, t, true).problems).to.deep.equal([
      "unexpected restart (NORMAL -> WARM_START)",
      "declared restart to COLD_START never happened",
    ]);
  });

  it("rejects a malformed hm= token", () => {
    expect(parseDeclaration("group=g hm=6/X").problems).to.have.length(1);
  });
});
