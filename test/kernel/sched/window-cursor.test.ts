import { expect } from "chai";
import { nanos } from "../../../kernel/mem/types";
import { decideWindowAt, MAX_NUMERIC_NS, numericSlots, WindowCursor } from "../../../kernel/sched/window-cursor";
import { compileSchedule, decideWindow } from "../../../kernel/sched/window-scheduler";
import { moduleSchedule } from "../../support/config-fixtures";
import { Prng } from "../../support/prng";
import { randomSchedule } from "../../support/random-schedule";

describe("kernel/sched/window-cursor", () => {
  it("gives decideWindow's answer for random schedules, epochs, times and hints", () => {
    const rng = new Prng(653);
    for (let k = 0; k < 60; k++) {
      const s = compileSchedule(randomSchedule(rng));
      const slots = numericSlots(s);
      if (slots === undefined) throw new Error("a small frame must have numeric slots");
      const epoch = rng.bigint(0n, 1_000_000n);
      const out = new WindowCursor();
      let t = epoch + rng.bigint(0n, s.majorFrame * 3n);
      for (let i = 0; i < 400; i++) {
        // Half the steps go to the previous decision's end (the runner's case), half jump anywhere ahead.
        if (rng.chance(1, 4)) out.slotIndex = rng.int(-1, s.slots.length + 1); // a stale or wrong hint
        expect(decideWindowAt(s, slots, Number(epoch), Number(t), out)).to.equal(true);
        const d = decideWindow(s, nanos(epoch), nanos(t));
        const got = [out.partition, out.windowId, out.until, out.frameStart, out.slotStart, out.slotIndex, out.periodStart];
        const want = [d.partition, d.windowId ?? 0, Number(d.until), Number(d.frameStart), Number(d.slotStart), d.slotIndex, d.periodStart];
        if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, `schedule ${k}, time ${t}`).to.deep.equal(want);
        t = rng.chance(1, 2) ? d.until : t + rng.bigint(1n, s.majorFrame * 2n);
      }
    }
  });

  it("hands times near 2^53 ns back to the BigInt path instead of rounding", () => {
    const s = compileSchedule(moduleSchedule({ majorFrame: 1000, windows: [[1, 0, 500], [2, 500, 500]] }));
    const slots = numericSlots(s);
    if (slots === undefined) throw new Error("numeric slots expected");
    const out = new WindowCursor();
    const below = MAX_NUMERIC_NS - (MAX_NUMERIC_NS % 1000) - 2000; // a frame that ends well below 2^53
    expect(decideWindowAt(s, slots, 0, below, out)).to.equal(true);
    expect(out.until).to.equal(below + 500);
    const last = MAX_NUMERIC_NS - 10; // its frame ends beyond 2^53 - 1
    const before = out.until;
    expect(decideWindowAt(s, slots, 0, last, out)).to.equal(false);
    expect(out.until, "left untouched").to.equal(before);
  });

  it("has no numeric slots for a major frame beyond 2^53 ns", () => {
    const s = compileSchedule(moduleSchedule({ majorFrame: 2n ** 54n, windows: [[1, 0, 500]] }));
    expect(numericSlots(s)).to.equal(undefined);
  });
});
