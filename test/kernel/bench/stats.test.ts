import { expect } from "chai";
import { median, spread } from "../../../kernel/bench/stats";

describe("kernel/bench/stats", () => {
  it("takes the middle value, or the mean of the two middle ones, whatever the input order", () => {
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });
  it("refuses an empty sample (a host bug in the caller)", () => {
    expect(() => median([])).to.throw(RangeError);
  });
  it("gives median, min, max and the sample count", () => {
    expect(spread([9, 2, 4])).to.deep.equal({ median: 4, min: 2, max: 9, samples: 3 });
  });
});
