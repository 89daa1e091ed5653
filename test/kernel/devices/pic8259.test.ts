import { expect } from "chai";
import { Pic8259 } from "../../../kernel/devices/pic8259";
import { Pic8259Pair } from "../../../kernel/devices/pic8259-pair";
import { RecordingIrq, roundTrip } from "./collaborators";

/** The BIOS/Linux initialisation: ICW1 edge+ICW4, vectors 0x20/0x28, cascade on IR2, 8086 mode. */
function initPair(pair: Pic8259Pair, icw4 = 0x01): void {
  pair.master.write(0, 1, 0x11);
  pair.master.write(1, 1, 0x20);
  pair.master.write(1, 1, 0x04);
  pair.master.write(1, 1, icw4);
  pair.slave.write(0, 1, 0x11);
  pair.slave.write(1, 1, 0x28);
  pair.slave.write(1, 1, 0x02);
  pair.slave.write(1, 1, icw4);
}

function pulse(pair: Pic8259Pair, irq: number): void {
  const line = pair.line(irq);
  line.set(true);
  line.set(false);
}

describe("kernel/devices/pic8259", () => {
  it("delivers IRQ0 as ICW2's vector, holds lower priorities while in service, and EOI releases them", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    expect(pair.pending()).to.equal(false);
    pulse(pair, 1);
    pulse(pair, 0);
    expect(pair.pending()).to.equal(true);
    expect(pair.acknowledge()).to.equal(0x20);
    expect(pair.pending()).to.equal(false); // IRQ1 waits behind IRQ0 in service
    pair.master.write(0, 1, 0x0b); // OCW3: read ISR
    expect(pair.master.read(0)).to.equal(0x01);
    pair.master.write(0, 1, 0x0a); // OCW3: read IRR
    expect(pair.master.read(0)).to.equal(0x02);
    pair.master.write(0, 1, 0x20); // non-specific EOI
    expect(pair.acknowledge()).to.equal(0x21);
  });
  it("latches edges only: a line held high does not request again", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    const line = pair.line(3);
    line.set(true);
    expect(pair.acknowledge()).to.equal(0x23);
    pair.master.write(0, 1, 0x20);
    line.set(true);
    expect(pair.pending()).to.equal(false);
    line.set(false);
    line.set(true);
    expect(pair.pending()).to.equal(true);
  });
  it("masks through OCW1 and reads IMR back", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    pair.master.write(1, 1, 0xfe ^ 0x01 ^ 0x02);
    expect(pair.master.read(1)).to.equal(0xfd);
    pulse(pair, 0);
    expect(pair.pending()).to.equal(false);
    pair.master.write(1, 1, 0x00);
    expect(pair.acknowledge()).to.equal(0x20);
  });
  it("cascades IRQ8-15 through the master's IR2", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    pulse(pair, 12);
    pulse(pair, 14);
    expect(pair.acknowledge()).to.equal(0x2c);
    pair.master.write(0, 1, 0x0b);
    pair.slave.write(0, 1, 0x0b);
    expect([pair.master.read(0), pair.slave.read(0)]).to.deep.equal([0x04, 0x10]);
    expect(pair.pending()).to.equal(false);
    pair.slave.write(0, 1, 0x64); // specific EOI, IR4
    pair.master.write(0, 1, 0x62); // specific EOI, IR2
    expect(pair.acknowledge()).to.equal(0x2e);
  });
  it("gives the IR7 vector without setting ISR on a spurious acknowledge", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    expect(pair.acknowledge()).to.equal(0x27);
    pair.master.write(0, 1, 0x0b);
    expect(pair.master.read(0)).to.equal(0);
  });
  it("rotates priorities on EOI and by the set-priority command", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    pulse(pair, 0);
    expect(pair.acknowledge()).to.equal(0x20);
    pair.master.write(0, 1, 0xa0); // rotate on non-specific EOI: IR0 becomes lowest
    pulse(pair, 0);
    pulse(pair, 5);
    expect(pair.acknowledge()).to.equal(0x25);
    pair.master.write(0, 1, 0x20);
    pair.master.write(0, 1, 0xc0 | 4); // set priority: IR4 lowest, IR5 highest
    pulse(pair, 3);
    pulse(pair, 6);
    expect(pair.acknowledge()).to.equal(0x26);
  });
  it("leaves ISR clear in automatic EOI mode", () => {
    const pair = new Pic8259Pair();
    initPair(pair, 0x03);
    pulse(pair, 4);
    pulse(pair, 6);
    expect(pair.acknowledge()).to.equal(0x24);
    expect(pair.acknowledge()).to.equal(0x26);
  });
  it("answers a poll command with the highest request and acknowledges it", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    pulse(pair, 5);
    pair.master.write(0, 1, 0x0c);
    expect(pair.master.read(0)).to.equal(0x85);
    pair.master.write(0, 1, 0x0c);
    expect(pair.master.read(0)).to.equal(0x00);
  });
  it("follows line levels in level-triggered mode", () => {
    const int = new RecordingIrq();
    const pic = new Pic8259("pic", int);
    for (const b of [0x1b, 0x30, 0x01]) pic.write(b === 0x1b ? 0 : 1, 1, b); // ICW1 level+single+ICW4
    pic.setInput(2, true);
    expect(int.level).to.equal(true);
    pic.setInput(2, false);
    expect(int.level).to.equal(false);
    pic.setInput(2, true);
    expect(pic.vector(pic.acknowledge())).to.equal(0x32);
  });
  it("round-trips each chip's state through JSON", () => {
    const pair = new Pic8259Pair();
    initPair(pair);
    pulse(pair, 9);
    pulse(pair, 1);
    pair.acknowledge();
    pulse(pair, 3);
    pair.master.write(0, 1, 0x0b);
    pair.master.write(1, 1, 0x80);
    const fresh = new Pic8259Pair();
    roundTrip(pair.master, fresh.master);
    roundTrip(pair.slave, fresh.slave);
    expect(fresh.acknowledge()).to.equal(pair.acknowledge());
    expect(fresh.master.read(0)).to.equal(pair.master.read(0));
    expect(fresh.master.parseState({ ...pair.master.saveState(), initStep: 1 }).ok).to.equal(false);
  });
});
