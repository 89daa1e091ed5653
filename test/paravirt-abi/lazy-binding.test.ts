// The jump-table binding end to end on apexvisor's own CPU: the conformance guest and libpv run in ring 3
// under a test-only stand-in for the kernel's resolver and a few services (written from README.md's
// step list). Checks that a first call binds its slot and is transparent (registers and stack at the
// callee equal those at the call), later calls skip the resolver, unknown names return PV_ENOSYS, and
// libpv serves time locally and console output buffered. Skips without an i386 toolchain.
import { expect } from "chai";
import { ABI_NOTE_LAYOUT, EXPORT_LAYOUT } from "../../kernel/hypercall/generated/abi-layout";
import { ExportFlags, PvError, ServiceId } from "../../kernel/hypercall/generated/abi-generated";
import { buildGuest, guestToolchain } from "./lib/build";
import { Elf32 } from "./lib/elf32";
import { PvMachine } from "./lib/pv-machine";

const POISON = 0xdeadbeef;
const TIME_NS = 0x1_2345_6789n;
const MAX_STEPS = 200_000;

interface Export {
  readonly address: number;
  readonly flags: number;
}

function exportsOf(libpv: Elf32): Map<string, Export> {
  const out = new Map<string, Export>();
  const f = EXPORT_LAYOUT.fields;
  for (let at = libpv.symbol("__pvexport_start"); at < libpv.symbol("__pvexport_end"); at += EXPORT_LAYOUT.size) {
    out.set(libpv.string(libpv.word(at + f.name.offset)), { address: libpv.word(at + f.address.offset), flags: libpv.word(at + f.flags.offset) });
  }
  return out;
}

/** Stand-in for the kernel's resolve service, following README.md step 5. */
function resolve(m: PvMachine, note: (n: keyof typeof ABI_NOTE_LAYOUT.fields) => number, exports: Map<string, Export>): string {
  const esp = m.cpu.esp;
  const [saved, sym, slot] = [m.r32(esp), m.r32(esp + 4), m.r32(esp + 8)];
  const k = (sym - note("pvext_sym_start")) / 4;
  expect(Number.isInteger(k) && sym < note("pvext_sym_end"), "sym inside .pvext.sym").to.equal(true);
  expect(slot, "slot pairs with sym").to.equal(note("pvext_jmp_start") + 4 * k);
  const name = m.cstring(m.r32(sym), 64);
  expect(name).to.match(/^[A-Za-z0-9_]+$/);
  const e = exports.get(name);
  const enosys = exports.get("pv_enosys")?.address ?? 0;
  const target = e !== undefined && (e.flags & ExportFlags.INTERNAL) === 0 ? e.address : enosys;
  expect(target).to.not.equal(0);
  m.w32(slot, target);
  m.cpu.eax = saved;
  m.cpu.esp = esp + 12;
  m.cpu.eip = target;
  return name;
}

describe("paravirt-abi: lazy binding end to end on the apexvisor CPU", function () {
  let guest: Elf32;
  let libpv: Elf32;
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    const g = buildGuest("test/paravirt-abi/guests/guest.json", "pvext-guest", "O2");
    const l = buildGuest("paravirt-abi/libpv/guest.json", "libpv", "O2");
    if (g === null || l === null) throw new Error("toolchain vanished");
    guest = new Elf32(g);
    libpv = new Elf32(l);
  });

  it("binds each import on its first call, transparently, and serves the calls through libpv", () => {
    const m = new PvMachine(guest, libpv, TIME_NS);
    const noteAt = guest.section(".pvabi").addr;
    const note = (n: keyof typeof ABI_NOTE_LAYOUT.fields): number => m.r32(noteAt + ABI_NOTE_LAYOUT.fields[n].offset);
    const exports = exportsOf(libpv);
    const entries = new Map<number, string>();
    const symStart = note("pvext_sym_start");
    for (let a = symStart; a < note("pvext_sym_end"); a += 4) {
      const name = guest.string(guest.word(a));
      entries.set(guest.symbol(name), name);
    }
    const atEntry = new Map<string, Record<string, number>>();
    const resolved: string[] = [];
    const services: number[] = [];
    let console = "";
    let done = false;
    for (let step = 0; !done; step++) {
      expect(step, "guest finished").to.be.below(MAX_STEPS);
      const name = entries.get(m.cpu.eip);
      if (name !== undefined && !atEntry.has(name)) atEntry.set(name, m.regs());
      const exit = m.cpu.run(1);
      if (exit.kind === "budget") continue;
      expect(exit.kind, JSON.stringify(exit)).to.equal("hypercall");
      const id = m.cpu.eax;
      if (id === ServiceId.Resolve) {
        const bound = resolve(m, note, exports);
        resolved.push(bound);
        expect(m.regs(), `first call of ${bound} is transparent`).to.deep.equal(atEntry.get(bound));
        continue;
      }
      services.push(id);
      switch (id) {
        case ServiceId.ConsoleWrite:
          console += m.text(m.cpu.ebx, m.cpu.ecx);
          m.cpu.eax = m.cpu.ecx;
          break;
        case ServiceId.Null:
          m.cpu.eax = PvError.OK;
          break;
        case ServiceId.WindowYield:
          done = true;
          break;
        default:
          m.cpu.eax = PvError.ENOSYS >>> 0;
      }
      // The ABI lets the kernel clobber every argument register; the guest's wrappers must cope.
      [m.cpu.ebx, m.cpu.ecx, m.cpu.edx, m.cpu.esi, m.cpu.edi] = [POISON, POISON, POISON, POISON, POISON];
    }
    expect(resolved).to.deep.equal(["pv_console_write", "pv_time_get", "pv_null", "pvtest_not_a_service", "pv_window_yield"]);
    expect(services).to.deep.equal([ServiceId.ConsoleWrite, ServiceId.Null, ServiceId.Null, ServiceId.WindowYield]);
    expect(console).to.equal("hello\n");
    const results = Array.from({ length: 7 }, (_, i) => m.r32(guest.symbol("pvtest_results") + 4 * i));
    expect(results).to.deep.equal([6, Number(TIME_NS & 0xffff_ffffn), Number(TIME_NS >> 32n), 0, 0, PvError.ENOSYS >>> 0, 1]);
    const slotOf = (n: string): number => m.r32(note("pvext_jmp_start") + 4 * [...entries.values()].indexOf(n));
    expect(slotOf("pv_console_write")).to.equal(libpv.symbol("pv_console_write"));
    expect(slotOf("pvtest_not_a_service")).to.equal(libpv.symbol("pv_enosys"));
    expect(slotOf("pv_idle")).to.equal(guest.symbol("pv_idle__pvbind"), "never-called imports stay lazy");
  });
});
