import { expect } from "chai";
import { describeExit, type CpuExit } from "../../../kernel/cpu/exit";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { ioPort } from "../../../kernel/mem/types";

describe("kernel/cpu/exit and io", () => {
  it("describes every exit kind", () => {
    const all: CpuExit[] = [
      { kind: "budget" },
      { kind: "halt" },
      { kind: "tripleFault" },
      { kind: "hypercall", vector: 0x80 },
      { kind: "fault", vector: 14, errorCode: 4, eip: 0x1000, cr2: 0 },
      { kind: "fault", vector: 6, errorCode: undefined, eip: 0x10, cr2: undefined },
      { kind: "stop", reason: "debug exit" },
    ];
    expect(all.map(describeExit)).to.deep.equal(["budget", "halt", "tripleFault", "hypercall 128", "fault 14(4) at 1000", "fault 6 at 10", "stop: debug exit"]);
  });
  it("an empty port bus reads all-ones", () => {
    expect(NO_PORTS.read(ioPort(0x80), 1)).to.equal(0xff);
    expect(NO_PORTS.read(ioPort(0x80), 2)).to.equal(0xffff);
    expect(NO_PORTS.read(ioPort(0x80), 4)).to.equal(0xffffffff);
  });
});
