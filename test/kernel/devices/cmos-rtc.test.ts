import { expect } from "chai";
import { CmosRtc } from "../../../kernel/devices/cmos-rtc";
import type { IrqLine } from "../../../kernel/devices/device";
import { FakeTimers } from "../../support/fake-timers";

const TIMER = "cmos-rtc.interrupt";
const S = 1_000_000_000n;

class Line implements IrqLine {
  level = false;
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}

function setup(): { rtc: CmosRtc; timers: FakeTimers; line: Line } {
  const timers = new FakeTimers();
  const line = new Line();
  const rtc = new CmosRtc(line, timers, { ramBytes: 32 * 1024 * 1024 });
  return { rtc, timers, line };
}

function rd(rtc: CmosRtc, reg: number): number {
  rtc.write(0, 1, reg);
  return rtc.read(1, 1);
}

function wr(rtc: CmosRtc, reg: number, value: number): void {
  rtc.write(0, 1, reg);
  rtc.write(1, 1, value);
}

function clock(rtc: CmosRtc): number[] {
  return [0x32, 9, 8, 7, 6, 4, 2, 0].map((r) => rd(rtc, r));
}

describe("kernel/devices/cmos-rtc", () => {
  describe("time registers", () => {
    it("reads the configured epoch in BCD, 24-hour, at virtual time 0", () => {
      const { rtc } = setup();
      // century, year, month, day, weekday (Thursday = 5), hours, minutes, seconds
      expect(clock(rtc)).to.deep.equal([0x20, 0x26, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00]);
    });
    it("advances with virtual time only", () => {
      const { rtc, timers } = setup();
      timers.set(3_661n * S + S / 2n);
      expect(clock(rtc).slice(5)).to.deep.equal([0x01, 0x01, 0x01]);
      timers.set(86_400n * 31n * S);
      expect(clock(rtc).slice(2, 5)).to.deep.equal([0x02, 0x01, 0x01]); // 1 February, a Sunday
    });
    it("honours an epoch from the machine config", () => {
      const rtc = new CmosRtc(new Line(), new FakeTimers(), { ramBytes: 0, epochUnixSeconds: 946_684_799 });
      expect(clock(rtc)).to.deep.equal([0x19, 0x99, 0x12, 0x31, 0x06, 0x23, 0x59, 0x59]);
    });
    it("codes binary mode and 12-hour mode with the PM bit", () => {
      const { rtc, timers } = setup();
      timers.set((13n * 3600n + 5n * 60n + 9n) * S);
      wr(rtc, 0x0b, 0x00); // BCD, 12-hour
      expect(rd(rtc, 4)).to.equal(0x81);
      wr(rtc, 0x0b, 0x04); // binary, 12-hour
      expect(rd(rtc, 4)).to.equal(0x81);
      expect(rd(rtc, 0)).to.equal(9);
      wr(rtc, 0x0b, 0x06); // binary, 24-hour
      expect(rd(rtc, 4)).to.equal(13);
      expect(rd(rtc, 9)).to.equal(26);
      timers.set(0n);
      wr(rtc, 0x0b, 0x00);
      expect(rd(rtc, 4)).to.equal(0x12); // midnight is 12 AM
    });
    it("lets the guest set the time, keeping the rest of the date and the running clock", () => {
      const { rtc, timers } = setup();
      wr(rtc, 4, 0x15);
      wr(rtc, 2, 0x30);
      wr(rtc, 9, 0x27);
      timers.set(10n * S);
      expect(clock(rtc)).to.deep.equal([0x20, 0x27, 0x01, 0x01, 0x06, 0x15, 0x30, 0x10]);
    });
    it("holds the clock while SET is 1 and resumes from what was written", () => {
      const { rtc, timers } = setup();
      timers.set(5n * S);
      wr(rtc, 0x0b, 0x82);
      timers.set(50n * S);
      expect(rd(rtc, 0)).to.equal(0x05);
      wr(rtc, 0, 0x40);
      wr(rtc, 0x0b, 0x02);
      timers.set(52n * S);
      expect(rd(rtc, 0)).to.equal(0x42);
    });
  });

  describe("registers A-D and the index port", () => {
    it("sets UIP only in the 244 us before an update, and never while SET", () => {
      const { rtc, timers } = setup();
      expect(rd(rtc, 0x0a)).to.equal(0x26);
      timers.set(S - 244_001n);
      expect(rd(rtc, 0x0a) & 0x80).to.equal(0);
      timers.set(S - 244_000n);
      expect(rd(rtc, 0x0a) & 0x80).to.equal(0x80);
      wr(rtc, 0x0b, 0x82);
      expect(rd(rtc, 0x0a) & 0x80).to.equal(0);
      wr(rtc, 0x0a, 0xff);
      expect(rd(rtc, 0x0a)).to.equal(0x7f);
    });
    it("reads D as VRT, ignores writes to C and D, and records the NMI-disable bit", () => {
      const { rtc } = setup();
      expect(rd(rtc, 0x0d)).to.equal(0x80);
      wr(rtc, 0x0d, 0);
      wr(rtc, 0x0c, 0xff);
      expect(rd(rtc, 0x0d)).to.equal(0x80);
      expect(rd(rtc, 0x0c)).to.equal(0);
      rtc.write(0, 1, 0x8f);
      expect(rtc.nmiMasked).to.equal(true);
      expect(rtc.read(1, 1)).to.equal(0); // register 0x0F
      rtc.write(0, 1, 0x0f);
      expect(rtc.nmiMasked).to.equal(false);
    });
    it("keeps CMOS RAM bytes and the memory-size registers", () => {
      const { rtc } = setup();
      expect(rd(rtc, 0x15) | (rd(rtc, 0x16) << 8)).to.equal(640);
      expect(rd(rtc, 0x17) | (rd(rtc, 0x18) << 8)).to.equal(31 * 1024);
      expect(rd(rtc, 0x34) | (rd(rtc, 0x35) << 8)).to.equal(16 * 16);
      wr(rtc, 0x50, 0xab);
      expect(rd(rtc, 0x50)).to.equal(0xab);
    });
    it("sets flags in C without enables and clears them on read", () => {
      const { rtc, timers, line } = setup();
      timers.set(S + 1n);
      expect(rd(rtc, 0x0c)).to.equal(0x50); // PF (1024 Hz) and UF, no IRQF
      expect(rd(rtc, 0x0c)).to.equal(0);
      expect(line.rises).to.equal(0);
      expect(timers.deadline(TIMER)).to.equal(undefined);
    });
  });

  describe("interrupts", () => {
    it("raises IRQ8 at the periodic rate and holds it until C is read", () => {
      const { rtc, timers, line } = setup();
      wr(rtc, 0x0b, 0x42); // PIE
      expect(timers.deadline(TIMER)).to.equal(976_563n); // 32 ticks of 32.768 kHz
      timers.runTo(976_563n);
      expect(line.level).to.equal(true);
      timers.runTo(2_000_000n);
      expect(line.rises).to.equal(1);
      expect(rd(rtc, 0x0c)).to.equal(0xc0);
      expect(line.level).to.equal(false);
      timers.runTo(2_929_688n);
      expect(line.rises).to.equal(2);
    });
    it("decodes rate select, including the 256 and 128 Hz special cases", () => {
      const cases: Array<[number, bigint]> = [[1, 3_906_250n], [2, 7_812_500n], [3, 122_071n], [15, 500_000_000n]];
      for (const [rs, first] of cases) {
        const { rtc, timers } = setup();
        wr(rtc, 0x0a, 0x20 | rs);
        wr(rtc, 0x0b, 0x42);
        expect(timers.deadline(TIMER), `RS ${rs}`).to.equal(first);
      }
      const { rtc, timers } = setup();
      wr(rtc, 0x0a, 0x20);
      wr(rtc, 0x0b, 0x42);
      expect(timers.deadline(TIMER)).to.equal(undefined);
    });
    it("coalesces periods missed while not running into one interrupt", () => {
      const { rtc, timers, line } = setup();
      wr(rtc, 0x0b, 0x42);
      timers.jumpTo(10_000_000n);
      expect(timers.fired.get(TIMER)).to.equal(1);
      expect(line.rises).to.equal(1);
      expect(rd(rtc, 0x0c)).to.equal(0xc0);
      expect(rd(rtc, 0x0c)).to.equal(0);
      expect(timers.deadline(TIMER)).to.equal(10_742_188n);
    });
    it("raises the update-ended interrupt once a second", () => {
      const { rtc, timers, line } = setup();
      wr(rtc, 0x0b, 0x12);
      timers.runTo(S);
      expect(rd(rtc, 0x0c)).to.equal(0xd0);
      timers.runTo(2n * S);
      expect(line.rises).to.equal(2);
    });
    it("raises the alarm when hours, minutes and seconds match, with don't-care bytes", () => {
      const { rtc, timers, line } = setup();
      wr(rtc, 1, 0x05);
      wr(rtc, 3, 0x00);
      wr(rtc, 5, 0x00);
      wr(rtc, 0x0b, 0x22); // AIE
      timers.runTo(4n * S);
      expect(line.rises).to.equal(0);
      timers.runTo(5n * S);
      expect(line.rises).to.equal(1);
      expect(rd(rtc, 0x0c)).to.equal(0xf0); // IRQF | AF | UF, and PF (1024 Hz runs without PIE)
      wr(rtc, 1, 0xc0);
      timers.runTo(6n * S);
      expect(rd(rtc, 0x0c)).to.equal(0xf0);
    });
    it("finds an alarm that fell while not running", () => {
      const { rtc, timers } = setup();
      wr(rtc, 1, 0x30);
      timers.set(100n * S);
      expect(rd(rtc, 0x0c) & 0x20).to.equal(0x20);
    });
  });

  describe("state", () => {
    it("saves the clock as a readable date and keeps a held (SET) clock across restore", () => {
      const { rtc, timers } = setup();
      timers.set(90n * S);
      wr(rtc, 0x0b, 0x82);
      const saved = rtc.saveState();
      expect(saved.clock).to.deep.equal({ year: 2026, month: 1, day: 1, hour: 0, minute: 1, second: 30 });
      const fresh = setup();
      fresh.timers.set(500n * S);
      const parsed = fresh.rtc.parseState(JSON.parse(JSON.stringify(saved)));
      if (!parsed.ok) throw new Error(parsed.error);
      fresh.rtc.restoreState(parsed.state);
      fresh.timers.set(600n * S);
      expect(rd(fresh.rtc, 0)).to.equal(0x30);
      wr(fresh.rtc, 0x0b, 0x02);
      fresh.timers.set(602n * S);
      expect(rd(fresh.rtc, 0)).to.equal(0x32);
    });

    it("survives save -> JSON -> parse -> restore into a fresh instance", () => {
      const { rtc, timers } = setup();
      wr(rtc, 4, 0x07);
      wr(rtc, 0x0b, 0x42);
      wr(rtc, 0x40, 0x99);
      rtc.write(0, 1, 0x8a);
      timers.runTo(1_500_000n);
      const saved = rtc.saveState();
      const fresh = setup();
      fresh.timers.set(77n * S);
      const parsed = fresh.rtc.parseState(JSON.parse(JSON.stringify(saved)));
      expect(parsed.ok).to.equal(true);
      if (!parsed.ok) return;
      fresh.rtc.restoreState(parsed.state);
      expect(fresh.rtc.saveState()).to.deep.equal(saved);
      expect(fresh.timers.deadline(TIMER)).to.equal(77n * S + (1_953_125n - 1_500_000n));
      expect(rd(fresh.rtc, 4)).to.equal(0x07);
      expect(rd(fresh.rtc, 0x40)).to.equal(0x99);
      expect(rd(fresh.rtc, 0x0c)).to.equal(0xc0);
    });
    it("rejects malformed state with messages and leaves the device alone", () => {
      const { rtc } = setup();
      const before = rtc.saveState();
      const cases: Array<[object, string]> = [
        [{ ...before, regC: 0x0f }, "regC"],
        [{ ...before, nvram: [1, 2] }, "nvram"],
        [{ ...before, dividerNs: 12 }, "dividerNs"],
        [{ ...before, clock: { ...before.clock, month: 0 } }, "clock"],
        [{ ...before, clock: { ...before.clock, hour: 24 } }, "clock.hour"],
        [{ ...before, flagsAgeNs: "5" }, "flagsAgeNs"],
      ];
      for (const [bad, field] of cases) {
        const r = rtc.parseState(bad);
        expect(r.ok, field).to.equal(false);
        if (!r.ok) expect(r.error).to.contain(field);
      }
      expect(rtc.parseState([]).ok).to.equal(false);
      expect(rtc.saveState()).to.deep.equal(before);
    });
  });
});
