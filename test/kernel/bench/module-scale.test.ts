import { expect } from "chai";
import { isFlat, measureSwitching } from "../../../kernel/bench/module-scale";

describe("kernel/bench/module-scale", () => {
  it("times the requested partition counts over the requested switches (no timing asserted)", () => {
    const rows = measureSwitching([2, 5], 20, 1);
    expect(rows.map((r) => [r.partitions, r.windows, r.hostNsPerSwitch.samples])).to.deep.equal([[2, 20, 1], [5, 20, 1]]);
  });
  it("calls a curve flat only when the largest median stays within the tolerance of the smallest", () => {
    const r = (median: number) => ({ partitions: 1, windowNs: 1, windows: 1, hostNsPerSwitch: { median, min: median, max: median, samples: 1 } });
    expect(isFlat([r(100), r(140)])).to.equal(true);
    expect(isFlat([r(100), r(160)])).to.equal(false);
    expect(isFlat([])).to.equal(false);
  });
});
