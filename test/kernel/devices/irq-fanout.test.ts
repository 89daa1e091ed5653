import { expect } from "chai";
import { fanOutIrq } from "../../../kernel/devices/irq-fanout";

describe("kernel/devices/irq-fanout", () => {
  it("drives every line with each level", () => {
    const a: boolean[] = [];
    const b: boolean[] = [];
    const line = fanOutIrq({ set: (l) => a.push(l) }, { set: (l) => b.push(l) });
    line.set(true);
    line.set(false);
    expect(a).to.deep.equal([true, false]);
    expect(b).to.deep.equal([true, false]);
  });
});
