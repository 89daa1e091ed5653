import { expect } from "chai";
import { SamplingPorts, SP_CMD, SP_ID, SP_REG, SP_STATUS_NONE, type SamplingPortLink } from "../../../kernel/devices/sampling-ports";
import type { ReturnCode } from "../../../kernel/ports/return-codes";
import { roundTrip } from "./collaborators";

/** Two ports: 0 a DESTINATION holding `stored`, 1 a SOURCE whose writes are recorded. */
function fakeLink(): { link: SamplingPortLink; writes: string[]; stored: { msg: string; valid: boolean; rc: ReturnCode } } {
  const writes: string[] = [];
  const stored = { msg: "", valid: false, rc: 1 as ReturnCode };
  const link: SamplingPortLink = {
    ports: [
      { name: "CELSIUS_IN", direction: "DESTINATION", maxMessageSize: 16 },
      { name: "OUT", direction: "SOURCE", maxMessageSize: 8 },
    ],
    read: (index) => (index === 0 ? { returnCode: stored.rc, message: new TextEncoder().encode(stored.msg), valid: stored.valid } : { returnCode: 5, message: new Uint8Array(0), valid: false }),
    write: (index, data) => {
      if (index !== 1) return 5;
      if (data.length > 8) return 4;
      writes.push(new TextDecoder().decode(data));
      return 0;
    },
  };
  return { link, writes, stored };
}

const readBuffer = (d: SamplingPorts): string => {
  const n = d.read(SP_REG.length, 2);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(d.read(SP_REG.data, 1));
  return s;
};

describe("kernel/devices/sampling-ports", () => {
  it("identifies itself, counts the ports and describes the selected one", () => {
    const d = new SamplingPorts(fakeLink().link);
    expect(d.read(SP_REG.id, 1)).to.equal(SP_ID);
    expect(d.read(SP_REG.count, 1)).to.equal(2);
    expect(d.read(SP_REG.command, 1)).to.equal(SP_STATUS_NONE);
    expect(d.read(SP_REG.direction, 1)).to.equal(1);
    expect(d.read(SP_REG.maxSize, 2)).to.equal(16);
    d.write(SP_REG.select, 1, 1);
    expect([d.read(SP_REG.direction, 1), d.read(SP_REG.maxSize, 1), d.read(SP_REG.maxSize + 1, 1)]).to.deep.equal([0, 8, 0]);
    d.write(SP_REG.select, 1, 7);
    expect(d.read(SP_REG.direction, 1)).to.equal(0xff);
    d.write(SP_REG.command, 1, SP_CMD.read);
    expect(d.read(SP_REG.command, 1)).to.equal(3); // INVALID_PARAM: no port 7
  });

  it("latches a READ with its length, validity and return code, and finds ports by NAME", () => {
    const { link, stored } = fakeLink();
    const d = new SamplingPorts(link);
    d.write(SP_REG.command, 1, SP_CMD.read);
    expect([d.read(SP_REG.command, 1), d.read(SP_REG.length, 2)]).to.deep.equal([1, 0]); // NO_ACTION: nothing written yet
    Object.assign(stored, { msg: "seq=3 celsius=1.5", valid: true, rc: 0 });
    d.write(SP_REG.command, 1, SP_CMD.read);
    expect(d.read(SP_REG.command, 1)).to.equal(0);
    expect(d.read(SP_REG.validity, 1)).to.equal(1);
    expect(readBuffer(d)).to.equal("seq=3 celsius=1.5");
    d.write(SP_REG.command, 1, SP_CMD.name);
    expect(readBuffer(d)).to.equal("CELSIUS_IN");
    d.write(SP_REG.command, 1, 0x77);
    expect(d.read(SP_REG.command, 1)).to.equal(3);
  });

  it("WRITE sends the buffer's first LENGTH bytes on the selected port; the link's refusals come back as return codes", () => {
    const { link, writes } = fakeLink();
    const d = new SamplingPorts(link);
    d.write(SP_REG.select, 1, 1);
    for (const c of "F=70.3") d.write(SP_REG.data, 1, c.charCodeAt(0));
    d.write(SP_REG.length, 1, 6);
    d.write(SP_REG.command, 1, SP_CMD.write);
    expect(d.read(SP_REG.command, 1)).to.equal(0);
    d.write(SP_REG.length, 2, 12);
    d.write(SP_REG.command, 1, SP_CMD.write);
    expect(d.read(SP_REG.command, 1)).to.equal(4); // longer than the port's 8 bytes: INVALID_CONFIG from the kernel
    expect(writes).to.deep.equal(["F=70.3"]);
    d.write(SP_REG.select, 1, 0);
    d.write(SP_REG.command, 1, SP_CMD.write);
    expect(d.read(SP_REG.command, 1)).to.equal(5); // a DESTINATION port: INVALID_MODE
  });

  it("counts what it does not decode and never overruns its buffer", () => {
    const d = new SamplingPorts(fakeLink().link);
    expect(d.read(SP_REG.id, 4)).to.equal(0xffffffff);
    expect(d.read(0xf, 1)).to.equal(0xff);
    d.write(SP_REG.id, 1, 0);
    d.write(SP_REG.length, 2, 0xffff);
    expect(d.read(SP_REG.length, 2)).to.equal(30); // clamped to the buffer (a port name's 30 bytes here)
    for (let i = 0; i < 40; i++) d.write(SP_REG.data, 1, 0x41);
    expect(d.ignoredAccesses).to.equal(3 + 10);
  });

  it("round-trips its state and refuses a bad one", () => {
    const { link, stored } = fakeLink();
    const a = new SamplingPorts(link);
    Object.assign(stored, { msg: "hello", valid: true, rc: 0 });
    a.write(SP_REG.command, 1, SP_CMD.read);
    a.read(SP_REG.data, 1);
    const b = new SamplingPorts(link);
    const s = roundTrip(a, b) as { length: number; index: number };
    expect([s.length, s.index]).to.deep.equal([5, 1]);
    expect(String.fromCharCode(b.read(SP_REG.data, 1))).to.equal("e");
    expect(b.parseState({ ...a.saveState(), buffer: [1, 2] }).ok).to.equal(false);
    expect(b.parseState({ ...a.saveState(), length: 31 }).ok).to.equal(false);
  });
});
