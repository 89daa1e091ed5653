import { expect } from "chai";
import { I8042 } from "../../../kernel/devices/i8042";
import { scancodesFor } from "../../../kernel/devices/scancode-set1";
import { RecordingIrq, roundTrip } from "./collaborators";

function drain(k: I8042): number[] {
  const out: number[] = [];
  while (k.read(4) & 1) out.push(k.read(0));
  return out;
}

describe("kernel/devices/i8042: keyboard controller and PS/2 keyboard", () => {
  it("answers the controller self-test, interface test and command byte", () => {
    const k = new I8042(new RecordingIrq(), () => expect.fail("no reset"));
    k.write(4, 1, 0xaa);
    expect(drain(k)).to.deep.equal([0x55]);
    k.write(4, 1, 0xab);
    k.write(4, 1, 0x20);
    expect(drain(k)).to.deep.equal([0x00, 0x61]);
    k.write(4, 1, 0x60);
    k.write(0, 1, 0x20); // no IRQ, keyboard enabled
    k.write(4, 1, 0x20);
    expect(drain(k)).to.deep.equal([0x20]);
  });

  it("types host characters as set-1 make/break codes, with Shift and Ctrl, and raises IRQ1 while the buffer is full", () => {
    expect(scancodesFor(0x61)).to.deep.equal([0x1e, 0x9e]); // a
    expect(scancodesFor(0x41)).to.deep.equal([0x2a, 0x1e, 0x9e, 0xaa]); // A
    expect(scancodesFor(0x0d)).to.deep.equal([0x1c, 0x9c]); // Enter
    expect(scancodesFor(0x03)).to.deep.equal([0x1d, 0x2e, 0xae, 0x9d]); // Ctrl-C
    expect(scancodesFor(0xe9)).to.deep.equal([]);
    const irq = new RecordingIrq();
    const k = new I8042(irq, () => expect.fail("no reset"));
    expect(k.keyboardReady()).to.equal(false); // the guest has not used the controller yet
    k.read(4);
    expect(k.keyboardReady()).to.equal(true);
    k.type(0x21); // !
    expect(irq.level).to.equal(true);
    expect(drain(k)).to.deep.equal([0x2a, 0x02, 0x82, 0xaa]);
    expect(irq.level).to.equal(false);
  });

  it("keyboard commands: reset, identify, scan code set, disable scanning", () => {
    const k = new I8042(new RecordingIrq(), () => expect.fail("no reset"));
    k.write(0, 1, 0xff);
    expect(drain(k)).to.deep.equal([0xfa, 0xaa]);
    k.write(0, 1, 0xf2);
    expect(drain(k)).to.deep.equal([0xfa, 0xab, 0x41]);
    k.write(0, 1, 0xf0);
    k.write(0, 1, 0x00);
    expect(drain(k)).to.deep.equal([0xfa, 0xfa, 0x41]);
    k.write(0, 1, 0xf5);
    expect(drain(k)).to.deep.equal([0xfa]);
    expect(k.keyboardReady()).to.equal(false);
  });

  it("each byte is a new IRQ1 edge: reading the data port drops the line before the next byte raises it (Linux's atkbd waits for the ID bytes on an edge-triggered pin)", () => {
    const irq = new RecordingIrq();
    const k = new I8042(irq, () => expect.fail("no reset"));
    k.write(0, 1, 0xf2); // identify: ACK, 0xAB, 0x41
    expect(irq.rises).to.equal(1);
    expect(k.read(0)).to.equal(0xfa);
    expect(irq.rises).to.equal(2);
    expect(k.read(0)).to.equal(0xab);
    expect(k.read(0)).to.equal(0x41);
    expect(irq.rises).to.equal(3);
    expect(irq.level).to.equal(false);
  });

  it("AUX port with no mouse: loop (0xD3) echoes as AUX data on IRQ12, a byte for the mouse (0xD4) comes back 0xFE with the time-out bit; neither reaches the keyboard", () => {
    const irq1 = new RecordingIrq();
    const irq12 = new RecordingIrq();
    const k = new I8042(irq1, () => expect.fail("no reset"), irq12);
    k.write(4, 1, 0xa9);
    expect(drain(k)).to.deep.equal([0x00]); // interface test passes (a controller reply: IRQ1)
    const kbdEdges = irq1.rises;
    k.write(4, 1, 0x60);
    k.write(0, 1, 0x63); // keyboard and AUX interrupts on
    k.write(4, 1, 0xd3);
    k.write(0, 1, 0x5a);
    expect(k.read(4) & 0x21).to.equal(0x21); // full, AUX data
    expect(irq12.level).to.equal(true);
    expect(irq1.level).to.equal(false);
    expect(k.read(0)).to.equal(0x5a);
    expect(irq12.level).to.equal(false);
    k.write(4, 1, 0xd4);
    k.write(0, 1, 0xf2); // identify, to the absent mouse
    expect(k.read(4) & 0x61).to.equal(0x61); // full, AUX data, time-out
    expect(drain(k)).to.deep.equal([0xfe]); // and nothing from the keyboard
    expect(irq1.rises).to.equal(kbdEdges);
  });

  it("pulsing the reset line (0xFE) or driving output port bit 0 low asks for a reset with its cause", () => {
    const causes: string[] = [];
    const k = new I8042(new RecordingIrq(), (c) => causes.push(c));
    k.write(4, 1, 0xfe);
    k.write(4, 1, 0xff); // pulses no line
    k.write(4, 1, 0xd1);
    k.write(0, 1, 0x02);
    expect(causes).to.deep.equal(["i8042 reset line pulsed (command 0xfe)", "i8042 output port reset line driven low (command 0xd1)"]);
  });

  it("save -> restore into a fresh controller gives the same state", () => {
    const k = new I8042(new RecordingIrq(), () => undefined);
    k.read(4);
    k.type(0x42);
    k.write(0, 1, 0xed);
    const s = roundTrip(k, new I8042(new RecordingIrq(), () => undefined));
    expect(s).to.deep.equal(k.saveState());
  });
});
