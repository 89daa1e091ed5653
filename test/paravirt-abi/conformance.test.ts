// Conformance of the jump-table binding as built by gcc + linkcmds/pv-partition.ld: the .pvext.* sections
// survive whole, sym/jmp entries pair up, every name and slot points where the ABI says, and .pvabi is
// stamped. Also links the trap and linked-library bindings. Skips (and says so) without an i386 toolchain.
import { expect } from "chai";
import { importNames } from "../../paravirt-abi/gen/c-bindings";
import { loadAbi } from "../../paravirt-abi/gen/load";
import { ABI_NOTE_LAYOUT, PV_CONSTANTS } from "../../kernel/hypercall/generated/abi-layout";
import { NoteFlags, PV_ABI_MAGIC, PV_ABI_MAJOR, PV_ABI_MINOR, PvError } from "../../kernel/hypercall/generated/abi-generated";
import { buildGuest, guestToolchain, REPO_ROOT } from "./lib/build";
import { Elf32, SHF_EXECINSTR } from "./lib/elf32";

const MANIFEST = "test/paravirt-abi/guests/guest.json";

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function noteField(elf: Elf32, name: keyof typeof ABI_NOTE_LAYOUT.fields): number {
  const f = ABI_NOTE_LAYOUT.fields[name];
  const at = elf.section(".pvabi").addr + f.offset;
  return f.size === 2 ? elf.bytes(at, 2).readUInt16LE(0) : elf.word(at);
}

describe("paravirt-abi: jump-table conformance (pv_external.h + pv-partition.ld)", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  const expected = ["pvtest_not_a_service", ...importNames(loadAbi(REPO_ROOT))];

  for (const opt of ["O0", "O2", "Os"] as const) {
    describe(`pvext-guest -${opt}`, () => {
      let elf: Elf32;
      before(() => {
        const bytes = buildGuest(MANIFEST, "pvext-guest", opt);
        if (bytes === null) throw new Error("toolchain vanished");
        elf = new Elf32(bytes);
      });

      it("keeps each import section whole under its own name, with exported bounds", () => {
        const pvext = elf.sections.filter((s) => s.name.startsWith(".pvext")).map((s) => s.name);
        expect(pvext).to.deep.equal([".pvext.str", ".pvext.sym", ".pvext.jmp"]);
        expect(elf.sections.some((s) => s.name === ".text.pvext")).to.equal(false, ".text.pvext joins .text");
        for (const n of ["str", "sym", "jmp"]) {
          const s = elf.section(`.pvext.${n}`);
          expect(elf.symbol(`__pvext_${n}_start`), n).to.equal(s.addr);
          expect(elf.symbol(`__pvext_${n}_end`), n).to.be.at.most(s.addr + s.size);
        }
        expect(elf.symbol("__pvext_str_end")).to.equal(elf.section(".pvext.str").addr + elf.section(".pvext.str").size);
        const jmp = elf.section(".pvext.jmp");
        expect(jmp.addr % PV_CONSTANTS.PAGE_SIZE).to.equal(0, ".pvext.jmp page aligned");
        expect(jmp.size % PV_CONSTANTS.PAGE_SIZE).to.equal(0, ".pvext.jmp alone in its pages");
      });

      it("pairs every .pvext.sym entry with a .pvext.jmp slot, one per import, in link order", () => {
        const sym = elf.words(elf.symbol("__pvext_sym_start"), elf.symbol("__pvext_sym_end"));
        const jmpCount = (elf.symbol("__pvext_jmp_end") - elf.symbol("__pvext_jmp_start")) / 4;
        expect(sym.length).to.equal(expected.length);
        expect(jmpCount).to.equal(sym.length);
        const str = elf.section(".pvext.str");
        for (const w of sym) expect(w >= str.addr && w < str.addr + str.size, `0x${w.toString(16)} in .pvext.str`).to.equal(true);
        expect(sym.map((w) => elf.string(w))).to.deep.equal(expected);
        expect(expected.reduce((n, s) => n + s.length + 1, 0)).to.equal(str.size, ".pvext.str holds exactly the names");
      });

      it("initialises each slot to its own resolver stub, which pushes slot and sym and jumps via __pv_resolver", () => {
        const symStart = elf.symbol("__pvext_sym_start");
        const jmpStart = elf.symbol("__pvext_jmp_start");
        const resolverVar = elf.symbol("__pv_resolver");
        expected.forEach((name, k) => {
          const slot = jmpStart + 4 * k;
          const stub = elf.symbol(`${name}__pvbind`);
          expect(elf.word(slot), `slot of ${name}`).to.equal(stub);
          expect([...elf.bytes(stub, 16)], `stub of ${name}`).to.deep.equal([0x68, ...le32(slot), 0x68, ...le32(symStart + 4 * k), 0xff, 0x25, ...le32(resolverVar)]);
          const entry = elf.symbols.find((s) => s.name === name);
          expect(entry?.bind, `${name} is weak`).to.equal(2);
          expect([...elf.bytes(elf.symbol(name), 6)], `entry of ${name}`).to.deep.equal([0xff, 0x25, ...le32(slot)]);
          expect((elf.sectionAt(stub)?.flags ?? 0) & SHF_EXECINSTR).to.equal(SHF_EXECINSTR);
        });
      });

      it("starts __pv_resolver at __pv_unbound, which drops the two words and returns PV_ENOSYS (never address 0)", () => {
        const unbound = elf.symbol("__pv_unbound");
        expect(unbound).to.not.equal(0);
        expect(elf.word(elf.symbol("__pv_resolver"))).to.equal(unbound);
        expect([...elf.bytes(unbound, 9)]).to.deep.equal([0x83, 0xc4, 0x08, 0xb8, ...le32(PvError.ENOSYS >>> 0), 0xc3]);
      });

      it("stamps .pvabi with magic, version, flags, import bounds and the guest name", () => {
        expect(elf.section(".pvabi").size).to.equal(ABI_NOTE_LAYOUT.size);
        expect(noteField(elf, "magic")).to.equal(PV_ABI_MAGIC);
        expect(noteField(elf, "abi_major")).to.equal(PV_ABI_MAJOR);
        expect(noteField(elf, "abi_minor")).to.equal(PV_ABI_MINOR);
        expect(noteField(elf, "header_size")).to.equal(ABI_NOTE_LAYOUT.size);
        expect(noteField(elf, "flags")).to.equal(NoteFlags.LAZY_OK);
        for (const n of ["str", "sym", "jmp"] as const) {
          expect(noteField(elf, `pvext_${n}_start`)).to.equal(elf.symbol(`__pvext_${n}_start`));
          expect(noteField(elf, `pvext_${n}_end`)).to.equal(elf.symbol(`__pvext_${n}_end`));
        }
        expect(elf.string(elf.section(".pvabi").addr + ABI_NOTE_LAYOUT.fields.guest_name.offset)).to.equal("pvext-conformance");
      });

      it("is linked at PV_IMAGE_BASE with _start as its entry", () => {
        expect(elf.entry).to.equal(elf.symbol("_start"));
        expect(elf.section(".text").addr).to.equal(PV_CONSTANTS.IMAGE_BASE);
        for (const s of elf.sections) if (s.addr !== 0) expect(s.addr, s.name).to.be.at.least(PV_CONSTANTS.IMAGE_BASE);
      });
    });
  }

  it("links the trap binding: every service traps on the ABI vector and no import is emitted", () => {
    const bytes = buildGuest(MANIFEST, "trap-guest", "O2");
    if (bytes === null) throw new Error("toolchain vanished");
    const elf = new Elf32(bytes);
    expect(elf.symbol("__pvext_sym_end") - elf.symbol("__pvext_sym_start")).to.equal(0);
    expect(elf.symbol("__pvext_jmp_end") - elf.symbol("__pvext_jmp_start")).to.equal(0);
    const text = elf.section(".text");
    expect(elf.bytes(text.addr, text.size).includes(Buffer.from([0xcd, 0x82]))).to.equal(true);
    expect(noteField(elf, "magic")).to.equal(PV_ABI_MAGIC);
  });

  it("links the linked-library binding: libpv's own objects inside the guest image", () => {
    const bytes = buildGuest(MANIFEST, "linked-guest", "O2");
    if (bytes === null) throw new Error("toolchain vanished");
    const elf = new Elf32(bytes);
    expect(elf.symbol("pv_console_flush")).to.be.at.least(PV_CONSTANTS.IMAGE_BASE);
    expect(elf.symbol("pv_time_get")).to.be.at.least(PV_CONSTANTS.IMAGE_BASE);
    expect(elf.symbols.some((s) => s.name.endsWith("__pvbind"))).to.equal(false);
  });
});
