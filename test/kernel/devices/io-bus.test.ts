import { expect } from "chai";
import { IoBus, type PortDevice } from "../../../kernel/devices/io-bus";
import { ioPort } from "../../../kernel/mem/types";

class Recorder implements PortDevice {
  readonly log: string[] = [];
  read(offset: number, size: 1 | 2 | 4): number {
    this.log.push(`r${offset}/${size}`);
    return 0x40 + offset;
  }
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.log.push(`w${offset}/${size}=${value}`);
  }
}

describe("kernel/devices/io-bus", () => {
  it("routes accesses to the device by offset from its base", () => {
    const bus = new IoBus();
    const a = new Recorder();
    bus.register("uart", ioPort(0x3f8), 8, a);
    expect(bus.read(ioPort(0x3fd), 1)).to.equal(0x45);
    bus.write(ioPort(0x3f8), 2, 0x1234);
    expect(a.log).to.deep.equal(["r5/1", "w0/2=4660"]);
  });
  it("reads all-ones from unmapped ports, drops writes, and counts both", () => {
    const bus = new IoBus();
    bus.register("pic", ioPort(0x20), 2, new Recorder());
    expect(bus.read(ioPort(0x22), 1)).to.equal(0xff);
    expect(bus.read(ioPort(0x80), 2)).to.equal(0xffff);
    expect(bus.read(ioPort(0x80), 4)).to.equal(0xffffffff);
    bus.write(ioPort(0x80), 1, 0);
    expect([bus.unmappedReads, bus.unmappedWrites]).to.deep.equal([3, 1]);
  });
  it("throws at wiring time on overlapping ranges and bad ranges", () => {
    const bus = new IoBus();
    bus.register("pit", ioPort(0x40), 4, new Recorder());
    expect(() => bus.register("other", ioPort(0x43), 2, new Recorder())).to.throw(/overlap pit/);
    expect(() => bus.register("before", ioPort(0x3f), 2, new Recorder())).to.throw(/overlap/);
    bus.register("adjacent", ioPort(0x44), 1, new Recorder());
    expect(() => bus.register("empty", ioPort(0x50), 0, new Recorder())).to.throw(RangeError);
    expect(() => bus.register("wrap", ioPort(0xffff), 2, new Recorder())).to.throw(RangeError);
  });
});
