import { expect } from "chai";
import { Pit8254 } from "../../../kernel/devices/pit8254";
import { IRQ_TIMER_FLOOR_NS } from "../../../kernel/devices/timer-coalescing";
import { ManualClock, RecordingIrq, roundTrip } from "./collaborators";

function make(): { pit: Pit8254; irq: RecordingIrq; clock: ManualClock } {
  const irq = new RecordingIrq();
  const clock = new ManualClock();
  return { pit: new Pit8254(irq, clock.timers), irq, clock };
}

function program(pit: Pit8254, control: number, count: number): void {
  pit.write(3, 1, control);
  const ch = control >>> 6;
  pit.write(ch, 1, count & 0xff);
  if (((control >>> 4) & 3) === 3) pit.write(ch, 1, count >>> 8);
}

function readCount(pit: Pit8254, ch: number): number {
  pit.write(3, 1, ch << 6); // counter latch command
  return pit.read(ch) | (pit.read(ch) << 8);
}

/** ns at which input tick k has completed: ceil(k * 1e9 / 1193182). */
const tickNs = (k: bigint): bigint => (k * 1_000_000_000n + 1_193_181n) / 1_193_182n;

describe("kernel/devices/pit8254", () => {
  it("thins IRQ0 edges of a count faster than the interrupt-storm floor to one per floor interval (issue 15 finding 9)", () => {
    const { pit, irq, clock } = make();
    program(pit, 0x34, 1); // mode 2 at count 1: an edge every input tick (838 ns)
    clock.advanceTo(1_000_000n); // 1 ms
    const rises = irq.rises - 1; // the control word drove OUT high once
    // At most one edge per 10 us floor interval (plus the first), far fewer than the 1193 ticks of 1 ms.
    expect(rises).to.be.within(99, 101);
    expect(pit.coalescedEdges).to.be.within(1193 - 101, 1193);
    expect(Number(clock.timers.nextDeadline()! - 1_000_000n)).to.be.at.most(Number(IRQ_TIMER_FLOOR_NS));
  });
  it("raises IRQ0 every period in mode 2, exactly on the tick", () => {
    const { pit, irq, clock } = make();
    program(pit, 0x34, 1193); // channel 0, lo/hi, mode 2
    expect(clock.timers.nextDeadline()).to.equal(tickNs(1193n));
    clock.advanceTo(tickNs(1193n) - 1n);
    expect(irq.rises).to.equal(1); // the control word drove OUT high once
    clock.advanceTo(tickNs(1193n));
    expect(irq.rises).to.equal(2);
    clock.advanceTo(tickNs(1193n * 10n));
    expect(irq.rises).to.equal(11);
  });
  it("counts down in mode 2 and reloads", () => {
    const { pit, clock } = make();
    program(pit, 0x34, 1000);
    expect(readCount(pit, 0)).to.equal(1000);
    clock.advanceTo(tickNs(250n));
    expect(readCount(pit, 0)).to.equal(750);
    clock.advanceTo(tickNs(1000n));
    expect(readCount(pit, 0)).to.equal(1000);
  });
  it("fires once at terminal count in mode 0 and keeps counting through zero", () => {
    const { pit, irq, clock } = make();
    program(pit, 0x30, 100);
    expect(irq.level).to.equal(false);
    clock.advanceTo(tickNs(99n));
    expect(irq.rises).to.equal(0);
    clock.advanceTo(tickNs(100n));
    expect([irq.rises, irq.level]).to.deep.equal([1, true]);
    clock.advanceTo(tickNs(102n));
    expect(readCount(pit, 0)).to.equal(0xfffe);
    clock.advanceTo(tickNs(1_000_000n));
    expect(irq.rises).to.equal(1);
    expect(clock.timers.nextDeadline()).to.equal(null);
  });
  it("decrements by two in mode 3 (square wave)", () => {
    const { pit, clock } = make();
    program(pit, 0x36, 100);
    clock.advanceTo(tickNs(10n));
    expect(readCount(pit, 0)).to.equal(80);
  });
  it("holds a latched count while time moves and supports LSB-only and MSB-only access", () => {
    const { pit, clock } = make();
    program(pit, 0x94, 200); // channel 2, LSB only, mode 2
    clock.advanceTo(tickNs(50n));
    pit.write(3, 1, 0x80);
    clock.advanceTo(tickNs(60n));
    expect(pit.read(2)).to.equal(150);
    expect(pit.read(2)).to.equal(140); // latch consumed: live count
    pit.write(3, 1, 0x64); // channel 1, MSB only, mode 2
    pit.write(1, 1, 0x02);
    expect(pit.read(1)).to.equal(0x02);
  });
  it("reads live lo/hi counts alternately and answers the read-back command with status", () => {
    const { pit, clock } = make();
    program(pit, 0x34, 0x1234);
    clock.advanceTo(tickNs(0x34n));
    expect([pit.read(0), pit.read(0)]).to.deep.equal([0x00, 0x12]);
    pit.write(3, 1, 0xe2); // read-back: status only, channel 0
    expect(pit.read(0)).to.equal(0x80 | 0x30 | 0x04);
    pit.write(3, 1, 0x30); // new control word: mode 0, stopped, OUT low, null count
    pit.write(3, 1, 0xe2);
    expect(pit.read(0)).to.equal(0x40 | 0x30);
  });
  it("does not fire after a control word stops channel 0", () => {
    const { pit, irq, clock } = make();
    program(pit, 0x34, 100);
    pit.write(3, 1, 0x34);
    clock.advanceTo(tickNs(1000n));
    expect(irq.rises).to.equal(1);
  });
  it("round-trips through JSON with the armed IRQ stored as an offset from now", () => {
    const { pit, clock } = make();
    program(pit, 0x34, 1193);
    clock.advanceTo(tickNs(500n));
    pit.write(3, 1, 0x00); // latch mid-way
    const fresh = make();
    fresh.clock.set(5_000_000_000n);
    const saved = roundTrip(pit, fresh.pit);
    expect(saved.irqTimerDueInNs).to.equal(String(tickNs(1193n) - tickNs(500n)));
    expect(fresh.clock.timers.nextDeadline()).to.equal(5_000_000_000n + tickNs(1193n) - tickNs(500n));
    expect(fresh.pit.read(0) | (fresh.pit.read(0) << 8)).to.equal(693);
    const before = fresh.irq.rises;
    fresh.clock.advanceBy(tickNs(1193n) - tickNs(500n));
    expect(fresh.irq.rises).to.equal(before + 1);
    expect(fresh.pit.parseState({ ...saved, irqTimerDueInNs: -5 }).ok).to.equal(false);
  });
});
