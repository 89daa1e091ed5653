// When the CPU forms a page's region and when it drops it (kernel/cpu/region-policy.ts): decided from guest
// instruction counts and block runs alone.
import { expect } from "chai";
import { REGION_DENSITY, REGION_FORMS, REGION_GAIN, REGION_MIN, REGION_QUIET, RegionPolicy } from "../../../kernel/cpu/region-policy";

const PAGE = 0x100;

/** Guest progress: `instructions` run in `runs` block runs. */
const at = (instructions: number, runs: number) => ({ instructions, runs });

describe("kernel/cpu: region policy", () => {
  it("forms a page's region once REGION_QUIET instructions pass with no more blocks settling there", () => {
    const p = new RegionPolicy<string>();
    expect(p.dueAt).to.equal(Infinity);
    p.settled(PAGE, "a", at(1000, 100));
    expect(p.dueAt).to.equal(1000 + REGION_QUIET);
    p.settled(PAGE, "b", at(2000, 200)); // the wait starts again, with the last block
    expect(p.due(at(2000 + REGION_QUIET - 1, 1000)).form).to.deep.equal([]);
    const d = p.due(at(2000 + REGION_QUIET, 200 + REGION_QUIET / 28));
    expect(d.form).to.deep.equal([[PAGE, "b"]]);
    expect(p.due(at(2000 + REGION_QUIET + 1, 0)).form, "once").to.deep.equal([]);
    expect(p.dueAt, "the region's trial").to.equal(2000 + 2 * REGION_QUIET);
  });

  it("forms a page's first region only where the guest runs a block every REGION_DENSITY instructions or more often", () => {
    const p = new RegionPolicy<string>();
    p.settled(PAGE, "a", at(0, 0));
    p.settled(PAGE + 1, "b", at(0, 0));
    p.settled(PAGE + 2, "c", at(0, 0));
    // The same progress for every page: REGION_QUIET instructions in just enough block runs, in one fewer.
    const runs = REGION_QUIET / REGION_DENSITY;
    expect(p.due(at(REGION_QUIET, runs)).form.map(([page]) => page)).to.deep.equal([PAGE, PAGE + 1, PAGE + 2]);
    const q = new RegionPolicy<string>();
    q.settled(PAGE, "a", at(0, 0));
    expect(q.due(at(REGION_QUIET, runs - 1)).form).to.deep.equal([]);
    expect(q.dueAt).to.equal(Infinity);
  });

  it("drops a first region that does not multiply the instructions per block run by REGION_GAIN, and the page gets no other", () => {
    const judge = (after: number): { drop: readonly number[]; again: boolean } => {
      const p = new RegionPolicy<string>();
      p.settled(PAGE, "a", at(0, 0));
      const t0 = at(REGION_QUIET, REGION_QUIET / 16); // 16 instructions per block run before
      expect(p.due(t0).form).to.have.length(1);
      p.formed(PAGE, 8);
      expect(p.due(at(t0.instructions + REGION_QUIET - 1, t0.runs + 1)).drop, "judged after REGION_QUIET").to.deep.equal([]);
      const drop = p.due(at(t0.instructions + REGION_QUIET, t0.runs + REGION_QUIET / after)).drop;
      return { drop, again: p.mayForm(PAGE, 100) };
    };
    expect(judge(16 * REGION_GAIN)).to.deep.equal({ drop: [], again: true });
    expect(judge(16 * REGION_GAIN - 1)).to.deep.equal({ drop: [PAGE], again: false });
  });

  it("forms no region it was told failed, and judges none", () => {
    const p = new RegionPolicy<string>();
    p.settled(PAGE, "a", at(0, 0));
    expect(p.due(at(REGION_QUIET, REGION_QUIET)).form).to.have.length(1);
    p.formed(PAGE, false);
    expect(p.due(at(REGION_QUIET * 3, REGION_QUIET * 3)).drop).to.deep.equal([]);
    expect(p.mayForm(PAGE, REGION_MIN)).to.equal(true);
  });

  it("gives a page a larger region when its settled blocks grow by half, REGION_FORMS times at most", () => {
    const p = new RegionPolicy<string>();
    expect(p.mayForm(PAGE, REGION_MIN - 1)).to.equal(false);
    let settled = 4;
    for (let k = 0; k < REGION_FORMS; k++) {
      expect(p.mayForm(PAGE, settled), `form ${k + 1}`).to.equal(true);
      p.formed(PAGE, settled);
      expect(p.mayForm(PAGE, Math.ceil((settled * 3) / 2) - 1), "less than half again").to.equal(false);
      settled = Math.ceil((settled * 3) / 2);
    }
    expect(p.mayForm(PAGE, settled * 10), "no more").to.equal(false);
    const q = new RegionPolicy<string>();
    q.giveUp(PAGE);
    expect(q.mayForm(PAGE, 1000)).to.equal(false);
  });
});
