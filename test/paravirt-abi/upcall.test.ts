// Virtual interrupts end to end on apexvisor's own CPU: a test-only stand-in for the kernel delivers one
// upcall exactly as README.md specifies (mask, push EIP then EFLAGS, enter the registered handler) into
// the guest using the ready-made entry upcall/pv_upcall.S. The handler must see the pending bits and
// missed ticks, and the interrupted code must resume with every register and flag intact.
import { expect } from "chai";
import { PvError, ServiceId, Virq } from "../../kernel/hypercall/generated/abi-generated";
import { PV_CONSTANTS, SHARED_PAGE_LAYOUT } from "../../kernel/hypercall/generated/abi-layout";
import { buildGuest, guestToolchain } from "./lib/build";
import { Elf32 } from "./lib/elf32";
import { PvMachine } from "./lib/pv-machine";

const MAX_STEPS = 100_000;
const INJECT_AFTER = 300;
const MISSED = 3;
const SP = PV_CONSTANTS.SHARED_PAGE_VADDR;
const F = SHARED_PAGE_LAYOUT.fields;

function byteAt(m: PvMachine, v: number): number {
  return m.r32(v & ~3) >>> (8 * (v & 3)) & 0xff;
}

function setByte(m: PvMachine, v: number, value: number): void {
  const w = m.r32(v & ~3);
  const shift = 8 * (v & 3);
  m.w32(v & ~3, (w & ~(0xff << shift)) | (value << shift));
}

describe("paravirt-abi: upcall delivery end to end on the apexvisor CPU", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  for (const opt of ["O0", "O2"] as const) {
    it(`delivers a tick into pv_upcall_entry and resumes the interrupted code intact (-${opt})`, () => {
      const bytes = buildGuest("test/paravirt-abi/guests/guest.json", "upcall-guest", opt);
      if (bytes === null) throw new Error("toolchain vanished");
      const elf = new Elf32(bytes);
      const m = new PvMachine(elf, null, 0n);
      let handler = 0;
      let sinceRegister = -1;
      let interrupted: { eip: number; regs: Record<string, number> } | null = null;
      let resumedIntact = false;
      let done = false;
      for (let step = 0; !done; step++) {
        expect(step, "guest finished").to.be.below(MAX_STEPS);
        if (interrupted !== null && m.cpu.eip === interrupted.eip && m.cpu.esp === interrupted.regs["esp"]) {
          expect(m.regs(), "registers after the upcall").to.deep.equal(interrupted.regs);
          resumedIntact = true;
          interrupted = null;
        }
        if (sinceRegister >= 0 && ++sinceRegister === INJECT_AFTER) {
          expect(byteAt(m, SP + F.irq_mask.offset), "guest unmasked").to.equal(0);
          m.w32(SP + F.pending_bitmap.offset, 1 << Virq.TICK);
          m.w32(SP + F.missed_ticks.offset, MISSED);
          setByte(m, SP + F.irq_pending.offset, 1);
          interrupted = { eip: m.cpu.eip, regs: m.regs() };
          setByte(m, SP + F.irq_mask.offset, 1);
          m.cpu.esp -= 4;
          m.w32(m.cpu.esp, m.cpu.eip);
          m.cpu.esp -= 4;
          m.w32(m.cpu.esp, m.cpu.getEflags());
          m.cpu.eip = handler;
        }
        const exit = m.cpu.run(1);
        if (exit.kind === "budget") continue;
        expect(exit.kind, JSON.stringify(exit)).to.equal("hypercall");
        switch (m.cpu.eax) {
          case ServiceId.VirqRegister:
            handler = m.cpu.ebx;
            sinceRegister = 0;
            m.cpu.eax = PvError.OK;
            break;
          case ServiceId.VirqKick:
            m.cpu.eax = PvError.OK;
            break;
          case ServiceId.WindowYield:
            done = true;
            break;
          default:
            m.cpu.eax = PvError.ENOSYS >>> 0;
        }
      }
      expect(handler).to.equal(elf.symbol("pv_upcall_entry"));
      expect(resumedIntact, "interrupted code resumed").to.equal(true);
      const results = Array.from({ length: 6 }, (_, i) => m.r32(elf.symbol("pvtest_results") + 4 * i));
      expect([results[0], results[1], results[2], results[4], results[5]]).to.deep.equal([1 << Virq.TICK, MISSED, 1, 0, 1]);
      expect(byteAt(m, SP + F.irq_mask.offset), "unmasked again").to.equal(0);
      expect(byteAt(m, SP + F.irq_pending.offset)).to.equal(0);
      expect(m.r32(SP + F.pending_bitmap.offset)).to.equal(0);
    });
  }
});
