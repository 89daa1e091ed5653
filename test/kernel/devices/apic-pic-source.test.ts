import { expect } from "chai";
import { apicWithPic } from "../../../kernel/devices/apic-pic-source";
import type { InterruptSource } from "../../../kernel/cpu/io";
import { LocalApic } from "../../../kernel/devices/local-apic";
import { FakeTimers } from "../../support/fake-timers";

class FakePic implements InterruptSource {
  requests: number[] = [];
  pending(): boolean {
    return this.requests.length > 0;
  }
  acknowledge(): number {
    return this.requests.shift() ?? 0x27;
  }
}

describe("kernel/devices/apic-pic-source", () => {
  it("lets the PIC through while the APIC is software-disabled, as after reset", () => {
    const pic = new FakePic();
    const source = apicWithPic(new LocalApic(new FakeTimers()), pic);
    expect(source.pending()).to.equal(false);
    pic.requests.push(0x20);
    expect(source.pending()).to.equal(true);
    expect(source.acknowledge()).to.equal(0x20);
  });

  it("serves APIC vectors first and blocks the PIC unless LINT0 is ExtINT", () => {
    const pic = new FakePic();
    const lapic = new LocalApic(new FakeTimers());
    const source = apicWithPic(lapic, pic);
    lapic.write(0xf0, 4, 0x1ff);
    pic.requests.push(0x21);
    expect(source.pending()).to.equal(false);
    lapic.write(0x350, 4, 0x700); // LINT0: ExtINT, unmasked
    lapic.deliver(0x40, false);
    expect(source.acknowledge()).to.equal(0x40);
    expect(source.pending()).to.equal(true);
    expect(source.acknowledge()).to.equal(0x21);
  });
});
