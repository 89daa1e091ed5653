import { expect } from "chai";
import { FpuError } from "../../../kernel/devices/fpu-error";
import { X87Fpu } from "../../../kernel/cpu/x87/fpu";
import { RecordingIrq, roundTrip } from "./collaborators";

describe("kernel/devices/fpu-error", () => {
  it("FERR# raises IRQ13 until port 0xF0 is written; then IGNNE# holds it down until FERR# falls", () => {
    const irq = new RecordingIrq();
    const dev = new FpuError(irq);
    dev.assert();
    expect(irq.level).to.equal(true);
    dev.write(0, 1, 0);
    expect(irq.level).to.equal(false);
    dev.assert(); // IGNNE#: no new IRQ13
    expect(irq.level).to.equal(false);
    dev.release();
    dev.assert();
    expect(irq.level).to.equal(true);
    expect(dev.read(0)).to.equal(0xff);
  });

  it("the x87 asserts FERR# at a waiting instruction with CR0.NE = 0 and releases it when ES is cleared", () => {
    const irq = new RecordingIrq();
    const dev = new FpuError(irq);
    const x = new X87Fpu();
    x.ferr = dev;
    x.fldcw(0x037b); // ZE unmasked
    x.ldConst(6); // 0
    x.ldConst(0); // 1
    x.arR(6, 0, 1, false); // 1 / 0: ZE and ES
    expect(irq.level).to.equal(false); // reported only by the next waiting instruction
    x.check(0x11, true); // CR0 = PE | ET
    expect(irq.level).to.equal(true);
    dev.write(0, 1, 0);
    x.check(0x11, true);
    expect(irq.level).to.equal(false);
    x.fnclex(); // ES falls: IGNNE# with it
    x.fldcw(0x037b);
    x.arR(6, 0, 1, false);
    x.check(0x11, true);
    expect(irq.level).to.equal(true);
    expect(() => x.check(0x31, true)).to.throw(); // CR0.NE = 1: #MF instead
  });

  it("round-trips its state", () => {
    const dev = new FpuError(new RecordingIrq());
    dev.assert();
    dev.write(0, 1, 0);
    expect(roundTrip(dev, new FpuError(new RecordingIrq()))).to.deep.equal({ ignne: true, irq: false });
    expect(dev.parseState({ ignne: 1, irq: false }).ok).to.equal(false);
  });
});
