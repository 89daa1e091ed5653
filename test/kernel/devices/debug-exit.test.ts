import { expect } from "chai";
import { DebugExit } from "../../../kernel/devices/debug-exit";
import { roundTrip } from "./collaborators";

describe("kernel/devices/debug-exit", () => {
  it("asks to exit with (v << 1) | 1 for the access width", () => {
    const statuses: number[] = [];
    const dev = new DebugExit((s) => statuses.push(s));
    dev.write(0, 1, 0);
    dev.write(0, 1, 0x1ff);
    dev.write(0, 2, 0x31);
    dev.write(0, 4, 0xffffffff);
    expect(statuses).to.deep.equal([1, 0x1ff, 0x63, 0x1ffffffff]);
    expect(dev.read()).to.equal(0);
  });
  it("round-trips its (empty) state", () => {
    expect(roundTrip(new DebugExit(() => undefined), new DebugExit(() => undefined))).to.deep.equal({});
    expect(new DebugExit(() => undefined).parseState(7).ok).to.equal(false);
  });
});
