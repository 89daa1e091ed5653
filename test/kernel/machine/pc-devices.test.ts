import { expect } from "chai";
import { PcDevices } from "../../../kernel/machine/pc-devices";
import { ioPort, type Nanos } from "../../../kernel/mem/types";
import { CollectingSink } from "../devices/collaborators";

function machine(withE9: boolean): { dev: PcDevices; out: CollectingSink; e9: CollectingSink; exits: number[]; setTime: (t: bigint) => void } {
  let t = 0n;
  const out = new CollectingSink();
  const e9 = new CollectingSink();
  const exits: number[] = [];
  const dev = new PcDevices({ now: () => t as Nanos, serialOut: out, requestExit: (s) => exits.push(s), ...(withE9 ? { debugConsoleOut: e9 } : {}) });
  return { dev, out, e9, exits, setTime: (v) => (t = v) };
}

describe("kernel/machine/pc-devices", () => {
  it("puts COM1, debug-exit and E9 at their PC ports", () => {
    const { dev, out, e9, exits } = machine(true);
    dev.bus.write(ioPort(0x3f8), 1, 0x41);
    dev.bus.write(ioPort(0xe9), 1, 0x42);
    dev.bus.write(ioPort(0xf4), 4, 3);
    expect([out.text(), e9.text(), exits]).to.deep.equal(["A", "B", [7]]);
    expect(dev.bus.read(ioPort(0xe9), 1)).to.equal(0xe9);
  });
  it("leaves 0xE9 unmapped without a debug console, as QEMU does", () => {
    const { dev } = machine(false);
    expect(dev.bus.read(ioPort(0xe9), 1)).to.equal(0xff);
  });
  it("leaves the PIC and PIT as the BIOS does: vectors 0x08/0x70, timer running at 18.2 Hz", () => {
    const { dev, setTime } = machine(false);
    dev.firmwareInit();
    expect(dev.bus.read(ioPort(0x21), 1)).to.equal(0xfa);
    expect(dev.timers.nextDeadline()).to.equal(54925402n); // 65536 ticks of 1.193182 MHz
    setTime(54925402n);
    dev.timers.fireDue();
    expect(dev.pics.acknowledge()).to.equal(0x08);
  });
  it("routes the PIT to IRQ0 and COM1 to IRQ4 through the PIC pair", () => {
    const { dev, setTime } = machine(false);
    dev.firmwareInit();
    for (const [port, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 0x04], [0x21, 0x01], [0xa0, 0x11], [0xa1, 0x28], [0xa1, 0x02], [0xa1, 0x01]] as const) {
      dev.bus.write(ioPort(port), 1, v);
    }
    dev.bus.write(ioPort(0x3f9), 1, 0x02); // COM1 IER: THRE interrupt
    expect(dev.pics.acknowledge()).to.equal(0x24);
    dev.bus.write(ioPort(0x20), 1, 0x20);
    dev.bus.write(ioPort(0x43), 1, 0x34);
    dev.bus.write(ioPort(0x40), 1, 100);
    dev.bus.write(ioPort(0x40), 1, 0);
    expect(dev.pics.pending()).to.equal(false);
    const due = dev.timers.nextDeadline();
    expect(due).to.not.equal(null);
    setTime(due ?? 0n);
    dev.timers.fireDue();
    expect(dev.pics.acknowledge()).to.equal(0x20);
  });
});
