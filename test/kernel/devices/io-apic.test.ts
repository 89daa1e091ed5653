import { expect } from "chai";
import { IO_APIC_VERSION, IoApic, type LapicSink } from "../../../kernel/devices/io-apic";

const IOREGSEL = 0x00, IOWIN = 0x10;

class Sink implements LapicSink {
  readonly messages: Array<[number, boolean]> = [];
  deliver(vector: number, levelTriggered: boolean): void {
    this.messages.push([vector, levelTriggered]);
  }
}

function setup(): { io: IoApic; sink: Sink } {
  const sink = new Sink();
  return { io: new IoApic(sink), sink };
}

function writeReg(io: IoApic, reg: number, value: number): void {
  io.write(IOREGSEL, 1, reg);
  io.write(IOWIN, 4, value);
}

function readReg(io: IoApic, reg: number): number {
  io.write(IOREGSEL, 4, reg);
  return io.read(IOWIN, 4);
}

describe("kernel/devices/io-apic", () => {
  it("reads ID, version (24 entries, 0x11) and arbitration ID", () => {
    const { io } = setup();
    expect(readReg(io, 0x00)).to.equal(0x0100_0000);
    expect(readReg(io, 0x01)).to.equal(IO_APIC_VERSION);
    expect(IO_APIC_VERSION).to.equal(0x0017_0011);
    expect(readReg(io, 0x02)).to.equal(0x0100_0000);
    writeReg(io, 0x00, 0xffff_ffff);
    expect(readReg(io, 0x00)).to.equal(0x0f00_0000);
    expect(io.read(IOREGSEL, 1)).to.equal(0x00);
  });

  it("starts with every entry masked and keeps writable bits of an entry", () => {
    const { io } = setup();
    for (let n = 0; n < 24; n++) expect(readReg(io, 0x10 + 2 * n)).to.equal(0x10000);
    writeReg(io, 0x10 + 2 * 5, 0xffff_ffff);
    expect(readReg(io, 0x10 + 2 * 5)).to.equal(0x0001_afff);
    writeReg(io, 0x11 + 2 * 5, 0xffff_ffff);
    expect(readReg(io, 0x11 + 2 * 5)).to.equal(0xff00_0000);
    expect(readReg(io, 0x10 + 2 * 24)).to.equal(0); // past the table
  });

  it("delivers an edge pin once per rising edge and loses edges while masked", () => {
    const { io, sink } = setup();
    const pin = io.pin(2);
    writeReg(io, 0x10 + 2 * 2, 0x30);
    pin.set(true);
    pin.set(true);
    pin.set(false);
    pin.set(true);
    expect(sink.messages).to.deep.equal([[0x30, false], [0x30, false]]);
    pin.set(false);
    writeReg(io, 0x10 + 2 * 2, 0x10030);
    pin.set(true);
    writeReg(io, 0x10 + 2 * 2, 0x30);
    expect(sink.messages).to.have.length(2);
  });

  it("holds a level pin in remote IRR until EOI and re-sends if still asserted", () => {
    const { io, sink } = setup();
    const pin = io.pin(10);
    writeReg(io, 0x10 + 2 * 10, 0x8000 | 0x2000 | 0x41); // level, active low
    pin.set(true);
    expect(sink.messages).to.deep.equal([[0x41, true]]);
    expect(readReg(io, 0x10 + 2 * 10) & 0x4000).to.equal(0x4000);
    pin.set(true);
    expect(sink.messages).to.have.length(1);
    io.eoi(0x41);
    expect(sink.messages).to.have.length(2);
    pin.set(false);
    io.eoi(0x41);
    expect(readReg(io, 0x10 + 2 * 10) & 0x4000).to.equal(0);
    expect(sink.messages).to.have.length(2);
    io.eoi(0x99); // other vectors do nothing
  });

  it("sends a level pin asserted while masked when it is unmasked", () => {
    const { io, sink } = setup();
    writeReg(io, 0x10 + 2 * 4, 0x18042);
    io.pin(4).set(true);
    expect(sink.messages).to.have.length(0);
    writeReg(io, 0x10 + 2 * 4, 0x8042);
    expect(sink.messages).to.deep.equal([[0x42, true]]);
  });

  it("counts and drops non-fixed delivery modes", () => {
    const { io, sink } = setup();
    writeReg(io, 0x10 + 2 * 1, (4 << 8) | 0x20); // NMI
    io.pin(1).set(true);
    writeReg(io, 0x10 + 2 * 3, (1 << 8) | 0x23); // lowest priority reaches the BSP
    io.pin(3).set(true);
    expect(io.droppedMessages).to.equal(1);
    expect(sink.messages).to.deep.equal([[0x23, false]]);
  });

  it("rejects a pin number outside the table", () => {
    const { io } = setup();
    expect(() => io.pin(24)).to.throw(RangeError);
  });

  it("survives save -> JSON -> parse -> restore into a fresh instance", () => {
    const { io } = setup();
    writeReg(io, 0x10 + 2 * 10, 0x8041);
    writeReg(io, 0x11 + 2 * 10, 0xff00_0000);
    io.pin(10).set(true);
    io.write(IOREGSEL, 1, 0x14);
    const saved = io.saveState();
    const fresh = setup();
    const parsed = fresh.io.parseState(JSON.parse(JSON.stringify(saved)));
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    fresh.io.restoreState(parsed.state);
    expect(fresh.io.saveState()).to.deep.equal(saved);
    fresh.io.eoi(0x41); // remote IRR and the asserted level came across
    expect(fresh.sink.messages).to.deep.equal([[0x41, true]]);
  });

  it("rejects malformed state without touching the device", () => {
    const { io } = setup();
    const before = io.saveState();
    const low = [...before.redirectionLow];
    low[3] = 0x0002_0000; // reserved bit
    const r = io.parseState({ ...before, redirectionLow: low });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.error).to.contain("redirectionLow[3]");
    const levels = io.parseState({ ...before, pinLevels: [true] });
    expect(levels.ok).to.equal(false);
    if (!levels.ok) expect(levels.error).to.contain("pinLevels");
    expect(io.parseState({ ...before, redirectionHigh: [0] }).ok).to.equal(false);
    expect(io.parseState({ ...before, redirectionHigh: new Array<number>(24).fill(1) }).ok).to.equal(false);
    expect(io.parseState("x").ok).to.equal(false);
    expect(io.saveState()).to.deep.equal(before);
  });
});
