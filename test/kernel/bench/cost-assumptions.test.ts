import { expect } from "chai";
import { costAssumptions } from "../../../kernel/bench/cost-assumptions";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";

describe("kernel/bench/cost-assumptions", () => {
  it("prints every cost model entry with its value and source, then the clock", () => {
    const rows = costAssumptions({ ...DEFAULT_COST_MODEL, hypercallEntry: 40 }, 50_000_000);
    expect(rows.map((r) => r.name)).to.deep.equal([...Object.keys(DEFAULT_COST_MODEL), "clock"]);
    expect(rows.find((r) => r.name === "hypercallEntry")?.value).to.equal("40 cycles");
    expect(rows.find((r) => r.name === "instruction")?.value).to.equal("1 cycle");
    expect(rows.at(-1)?.value).to.equal("50 MHz");
    for (const r of rows) expect(r.source).to.match(/^kernel\/cpu\/cost-model\.ts /);
  });
});
