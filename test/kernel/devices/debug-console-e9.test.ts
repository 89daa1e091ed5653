import { expect } from "chai";
import { DebugConsoleE9 } from "../../../kernel/devices/debug-console-e9";
import { CollectingSink, roundTrip } from "./collaborators";

describe("kernel/devices/debug-console-e9", () => {
  it("sends the low byte of each write to the sink and reads back 0xE9", () => {
    const sink = new CollectingSink();
    const dev = new DebugConsoleE9(sink);
    for (const c of "ok\n") dev.write(0, 1, c.charCodeAt(0));
    dev.write(0, 4, 0x12345621);
    expect(sink.text()).to.equal("ok\n!");
    expect(dev.read()).to.equal(0xe9);
  });
  it("round-trips its (empty) state", () => {
    const sink = new CollectingSink();
    expect(roundTrip(new DebugConsoleE9(sink), new DebugConsoleE9(sink))).to.deep.equal({});
  });
});
