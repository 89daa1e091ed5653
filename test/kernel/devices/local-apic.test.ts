import { expect } from "chai";
import { LOCAL_APIC_VERSION, LocalApic } from "../../../kernel/devices/local-apic";
import { FakeTimers } from "../../support/fake-timers";

const ID = 0x020, VERSION = 0x030, TPR = 0x080, PPR = 0x0a0, EOI = 0x0b0, LDR = 0x0d0, DFR = 0x0e0, SVR = 0x0f0;
const ISR0 = 0x100, TMR0 = 0x180, IRR0 = 0x200, ESR = 0x280, ICR_LOW = 0x300, ICR_HIGH = 0x310;
const LVT_TIMER = 0x320, LVT_LINT0 = 0x350, LVT_ERROR = 0x370, INITIAL = 0x380, CURRENT = 0x390, DIVIDE = 0x3e0;
const TIMER = "local-apic.timer";

function setup(apicId = 0): { apic: LocalApic; timers: FakeTimers } {
  const timers = new FakeTimers();
  const apic = new LocalApic(timers, { apicId });
  return { apic, timers };
}

function enabled(): { apic: LocalApic; timers: FakeTimers } {
  const s = setup();
  s.apic.write(SVR, 4, 0x1ff);
  return s;
}

function irrHas(apic: LocalApic, vector: number): boolean {
  return ((apic.read(IRR0 + (vector >> 5) * 0x10, 4) >>> (vector & 31)) & 1) === 1;
}

describe("kernel/devices/local-apic", () => {
  describe("identification and reset", () => {
    it("reads ID, version and the reset values of DFR, SVR and the LVTs", () => {
      const { apic } = setup(3);
      expect(apic.read(ID, 4)).to.equal(0x0300_0000);
      expect(apic.read(VERSION, 4)).to.equal(LOCAL_APIC_VERSION);
      expect((apic.read(VERSION, 4) >>> 16) & 0xff).to.equal(5); // Max LVT Entry
      expect(apic.read(DFR, 4)).to.equal(0xffff_ffff);
      expect(apic.read(SVR, 4)).to.equal(0xff);
      expect(apic.read(LVT_TIMER, 4)).to.equal(0x10000);
      expect(apic.softwareEnabled).to.equal(false);
    });
    it("keeps writable bits only and reads bytes of a register", () => {
      const { apic } = enabled();
      apic.write(ID, 4, 0x0512_3456);
      expect(apic.read(ID, 4)).to.equal(0x0500_0000);
      apic.write(LDR, 4, 0xffff_ffff);
      expect(apic.read(LDR, 4)).to.equal(0xff00_0000);
      apic.write(DFR, 4, 0);
      expect(apic.read(DFR, 4)).to.equal(0x0fff_ffff);
      expect(apic.read(VERSION, 1)).to.equal(0x14);
      expect(apic.read(VERSION + 2, 1)).to.equal(0x05);
    });
    it("ignores narrow stores and flags illegal register addresses in ESR", () => {
      const { apic } = enabled();
      apic.write(TPR, 1, 0x20);
      expect(apic.read(TPR, 4)).to.equal(0);
      apic.write(0x3f0, 4, 1);
      apic.write(ESR, 4, 0);
      expect(apic.read(ESR, 4)).to.equal(0x80);
    });
  });

  describe("software enable", () => {
    it("forces LVT masks while software-disabled", () => {
      const { apic } = setup();
      apic.write(LVT_LINT0, 4, 0x700);
      expect(apic.read(LVT_LINT0, 4)).to.equal(0x10700);
      apic.write(SVR, 4, 0x1ff);
      apic.write(LVT_LINT0, 4, 0x700);
      expect(apic.read(LVT_LINT0, 4)).to.equal(0x700);
      apic.write(SVR, 4, 0x0ff);
      expect(apic.read(LVT_LINT0, 4)).to.equal(0x10700);
    });
    it("drops fixed interrupts while software-disabled", () => {
      const { apic } = setup();
      apic.deliver(0x40, false);
      expect(apic.pending()).to.equal(false);
    });
    it("passes ExtINT when disabled or when LINT0 is unmasked ExtINT", () => {
      const { apic } = setup();
      expect(apic.acceptsExtInt()).to.equal(true);
      apic.write(SVR, 4, 0x1ff);
      expect(apic.acceptsExtInt()).to.equal(false);
      apic.write(LVT_LINT0, 4, 0x700);
      expect(apic.acceptsExtInt()).to.equal(true);
      apic.write(LVT_LINT0, 4, 0x10700);
      expect(apic.acceptsExtInt()).to.equal(false);
    });
  });

  describe("acceptance, priority and EOI", () => {
    it("moves the highest IRR vector to ISR on acknowledge and clears it on EOI", () => {
      const { apic } = enabled();
      apic.deliver(0x31, false);
      apic.deliver(0x52, false);
      expect(irrHas(apic, 0x52)).to.equal(true);
      expect(apic.pending()).to.equal(true);
      expect(apic.acknowledge()).to.equal(0x52);
      expect(apic.read(ISR0 + 0x20, 4)).to.equal(1 << (0x52 - 64));
      expect(apic.read(PPR, 4)).to.equal(0x50);
      expect(apic.pending()).to.equal(false); // 0x31 is below the in-service class
      apic.write(EOI, 4, 0);
      expect(apic.read(ISR0 + 0x20, 4)).to.equal(0);
      expect(apic.pending()).to.equal(true);
      expect(apic.acknowledge()).to.equal(0x31);
    });
    it("nests a higher class above an in-service one and EOIs the highest first", () => {
      const { apic } = enabled();
      apic.deliver(0x30, false);
      expect(apic.acknowledge()).to.equal(0x30);
      apic.deliver(0x60, false);
      expect(apic.acknowledge()).to.equal(0x60);
      apic.write(EOI, 4, 0);
      expect(apic.read(ISR0 + 0x10, 4)).to.equal(1 << 16);
      expect(apic.read(ISR0 + 0x30, 4)).to.equal(0);
    });
    it("holds interrupts at or below the task priority class", () => {
      const { apic } = enabled();
      apic.write(TPR, 4, 0x45);
      expect(apic.read(PPR, 4)).to.equal(0x45);
      apic.deliver(0x4f, false);
      expect(apic.pending()).to.equal(false);
      expect(apic.acknowledge()).to.equal(0xff); // spurious vector
      apic.write(TPR, 4, 0x30);
      expect(apic.acknowledge()).to.equal(0x4f);
    });
    it("rejects vectors 0-15 into ESR, latched by an ESR write", () => {
      const { apic } = enabled();
      apic.deliver(5, false);
      expect(apic.pending()).to.equal(false);
      expect(apic.read(ESR, 4)).to.equal(0);
      apic.write(ESR, 4, 0);
      expect(apic.read(ESR, 4)).to.equal(0x40);
      apic.write(ESR, 4, 0);
      expect(apic.read(ESR, 4)).to.equal(0);
    });
    it("raises the LVT error vector when unmasked", () => {
      const { apic } = enabled();
      apic.write(LVT_ERROR, 4, 0xfe);
      apic.deliver(3, false);
      expect(apic.acknowledge()).to.equal(0xfe);
    });
    it("sets TMR for level interrupts and broadcasts their EOI", () => {
      const { apic } = enabled();
      const eois: number[] = [];
      apic.setEoiBroadcast({ eoi: (v) => eois.push(v) });
      apic.deliver(0x41, true);
      expect(apic.read(TMR0 + 0x20, 4)).to.equal(2);
      apic.acknowledge();
      apic.write(EOI, 4, 0);
      apic.deliver(0x42, false);
      apic.acknowledge();
      apic.write(EOI, 4, 0);
      expect(eois).to.deep.equal([0x41]);
    });
  });

  describe("ICR self-IPIs", () => {
    it("delivers a fixed IPI with the self shorthand", () => {
      const { apic } = enabled();
      apic.write(ICR_LOW, 4, (1 << 18) | 0x99);
      expect(apic.read(ICR_LOW, 4)).to.equal((1 << 18) | 0x99);
      expect(apic.acknowledge()).to.equal(0x99);
    });
    it("delivers to its own physical ID and to a matching flat logical destination only", () => {
      const { apic } = enabled();
      apic.write(ICR_HIGH, 4, 0x0100_0000);
      apic.write(ICR_LOW, 4, 0x91); // physical dest 1, we are 0
      expect(apic.pending()).to.equal(false);
      apic.write(ICR_HIGH, 4, 0);
      apic.write(ICR_LOW, 4, 0x92);
      expect(irrHas(apic, 0x92)).to.equal(true);
      apic.write(LDR, 4, 0x0200_0000);
      apic.write(ICR_HIGH, 4, 0x0600_0000);
      apic.write(ICR_LOW, 4, (1 << 11) | 0x93);
      expect(irrHas(apic, 0x93)).to.equal(true);
    });
    it("ignores all-excluding-self and INIT, and reports an illegal sent vector", () => {
      const { apic } = enabled();
      apic.write(ICR_LOW, 4, (3 << 18) | 0x90);
      apic.write(ICR_LOW, 4, (1 << 18) | (5 << 8) | 0x90);
      expect(apic.pending()).to.equal(false);
      apic.write(ICR_LOW, 4, (1 << 18) | 0x07);
      apic.write(ESR, 4, 0);
      expect(apic.read(ESR, 4)).to.equal(0x20);
    });
  });

  describe("timer", () => {
    it("derives the current count from virtual time (100 MHz bus, divide by 2 at reset)", () => {
      const { apic, timers } = enabled();
      apic.write(LVT_TIMER, 4, 0x40);
      apic.write(INITIAL, 4, 1000);
      timers.set(2_000n); // 2 us = 200 bus clocks = 100 ticks at /2
      expect(apic.read(CURRENT, 4)).to.equal(900);
      expect(timers.deadline(TIMER)).to.equal(20_000n);
    });
    it("fires once in one-shot mode and then reads 0", () => {
      const { apic, timers } = enabled();
      apic.write(DIVIDE, 4, 0b1011); // divide by 1
      apic.write(LVT_TIMER, 4, 0x40);
      apic.write(INITIAL, 4, 100); // 1 us
      timers.runTo(999n);
      expect(apic.pending()).to.equal(false);
      timers.runTo(5_000n);
      expect(apic.acknowledge()).to.equal(0x40);
      expect(apic.read(CURRENT, 4)).to.equal(0);
      expect(timers.fired.get(TIMER)).to.equal(1);
      expect(timers.deadline(TIMER)).to.equal(undefined);
    });
    it("reloads in periodic mode and fires each period", () => {
      const { apic, timers } = enabled();
      apic.write(DIVIDE, 4, 0b0011); // divide by 16
      apic.write(LVT_TIMER, 4, (1 << 17) | 0x41);
      apic.write(INITIAL, 4, 100); // 100 ticks * 160 ns = 16 us (above the interrupt-storm floor)
      for (let i = 1; i <= 3; i++) {
        timers.runTo(BigInt(i) * 16_000n);
        expect(apic.acknowledge()).to.equal(0x41);
        apic.write(EOI, 4, 0);
      }
      timers.set(36_000n);
      expect(apic.read(CURRENT, 4)).to.equal(100 - 25);
      expect(timers.fired.get(TIMER)).to.equal(3);
    });
    it("coalesces periods missed while not running into one pending interrupt", () => {
      const { apic, timers } = enabled();
      apic.write(DIVIDE, 4, 0b1011);
      apic.write(LVT_TIMER, 4, (1 << 17) | 0x41);
      apic.write(INITIAL, 4, 100);
      timers.jumpTo(10_500n); // ten periods passed
      expect(timers.fired.get(TIMER)).to.equal(1);
      expect(apic.acknowledge()).to.equal(0x41);
      apic.write(EOI, 4, 0);
      expect(apic.pending()).to.equal(false);
      expect(timers.deadline(TIMER)).to.equal(11_000n);
    });
    it("counts but does not interrupt while masked, and stops on a zero initial count", () => {
      const { apic, timers } = enabled();
      apic.write(DIVIDE, 4, 0b1011);
      apic.write(LVT_TIMER, 4, 0x10040);
      apic.write(INITIAL, 4, 100);
      timers.runTo(500n);
      expect(apic.read(CURRENT, 4)).to.equal(50);
      timers.runTo(2_000n);
      expect(apic.pending()).to.equal(false);
      apic.write(INITIAL, 4, 0);
      expect(apic.read(CURRENT, 4)).to.equal(0);
    });
    it("decodes every divide configuration", () => {
      const expected: Array<[number, number]> = [[0, 2], [1, 4], [2, 8], [3, 16], [8, 32], [9, 64], [10, 128], [11, 1]];
      for (const [config, divisor] of expected) {
        const { apic, timers } = enabled();
        apic.write(DIVIDE, 4, config);
        expect(apic.read(DIVIDE, 4)).to.equal(config);
        apic.write(INITIAL, 4, 1_000_000);
        timers.set(BigInt(10 * divisor * 7));
        expect(apic.read(CURRENT, 4), `config ${config}`).to.equal(1_000_000 - 7);
      }
    });
    it("keeps the count when the divisor changes mid-run", () => {
      const { apic, timers } = enabled();
      apic.write(DIVIDE, 4, 0b1011);
      apic.write(INITIAL, 4, 1000);
      timers.set(1_000n); // 100 ticks
      apic.write(DIVIDE, 4, 0b0000); // now /2: 20 ns per tick
      timers.set(3_000n);
      expect(apic.read(CURRENT, 4)).to.equal(800);
    });
  });

  describe("state", () => {
    it("survives save -> JSON -> parse -> restore into a fresh instance, timer included", () => {
      const { apic, timers } = enabled();
      apic.write(TPR, 4, 0x20);
      apic.write(LDR, 4, 0x0100_0000);
      apic.write(ICR_HIGH, 4, 0xff00_0000);
      apic.write(ID, 4, 0x8000_0000);
      apic.write(DIVIDE, 4, 0b1011);
      apic.write(LVT_TIMER, 4, (1 << 17) | 0x41);
      apic.write(INITIAL, 4, 100);
      apic.deliver(0x70, true);
      apic.deliver(0x50, false);
      apic.acknowledge();
      timers.set(250n);
      const saved = apic.saveState();
      const text = JSON.stringify(saved);

      const fresh = setup();
      fresh.timers.set(1_000_000n); // restored on a machine whose clock is elsewhere
      const parsed = fresh.apic.parseState(JSON.parse(text));
      expect(parsed.ok).to.equal(true);
      if (!parsed.ok) return;
      fresh.apic.restoreState(parsed.state);
      expect(fresh.apic.saveState()).to.deep.equal(saved);
      expect(fresh.apic.read(CURRENT, 4)).to.equal(75);
      expect(fresh.timers.deadline(TIMER)).to.equal(1_000_000n + 750n);
      expect(fresh.apic.read(ISR0 + 0x30, 4)).to.equal(1 << 16);
    });
    it("rejects malformed state with messages and leaves the device alone", () => {
      const { apic } = enabled();
      apic.write(TPR, 4, 0x20);
      const before = apic.saveState();
      const cases: Array<[object, string]> = [
        [{ ...before, tpr: 300 }, "tpr"],
        [{ ...before, irr: [1, 2] }, "irr"],
        [{ ...before, timerElapsedNs: "abc" }, "timerElapsedNs"],
        [{ ...before, timerDivide: 4 }, "timerDivide"],
      ];
      for (const [bad, field] of cases) {
        const r = apic.parseState(bad);
        expect(r.ok, field).to.equal(false);
        if (!r.ok) expect(r.error).to.contain(field);
      }
      expect(apic.parseState(null).ok).to.equal(false);
      expect(apic.parseState({ ...before, timerCountAtStart: 5, timerInitial: 1 }).ok).to.equal(false);
      const reserved = apic.parseState({ ...before, lvtLint0: 0x0002_0000 });
      expect(reserved.ok).to.equal(false);
      if (!reserved.ok) expect(reserved.error).to.contain("lvtLint0");
      expect(apic.parseState({ ...before, dfr: 0 }).ok).to.equal(false);
      expect(apic.saveState()).to.deep.equal(before);
    });
  });
});
