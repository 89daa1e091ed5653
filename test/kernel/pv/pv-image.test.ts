// The PV image loader refuses bad images with typed errors (never a crash): not ELF, no or bad .pvabi
// note, ABI major/minor/feature mismatches, malformed .pvext tables, segments outside RAM. Images are
// the ABI's conformance guest with single fields patched. Skips without an i386 toolchain.
import { expect } from "chai";
import { ABI_NOTE_LAYOUT } from "../../../kernel/hypercall/generated/abi-layout";
import { readElfTables } from "../../../kernel/loader/elf32-sections";
import { parsePvImage, type PvImageErrorKind } from "../../../kernel/pv/pv-image";
import { PartitionLoadError } from "../../../kernel/module/load-error";
import { createPvVm } from "../../../kernel/pv/pv-vm";
import { moduleSchedule, partition, systemConfig } from "../../support/config-fixtures";
import { libpvBytes } from "../../support/pv-module";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";

const RAM = 4 * 1024 * 1024;
const F = ABI_NOTE_LAYOUT.fields;

function section(bytes: Uint8Array, name: string): { offset: number; addr: number; size: number } {
  const t = readElfTables(bytes);
  if (!t.ok) throw new Error(t.message);
  const s = t.tables.sections.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no ${name}`);
  return s;
}

function patched(base: Uint8Array, edit: (b: Uint8Array, dv: DataView) => void): Uint8Array {
  const b = Uint8Array.from(base);
  edit(b, new DataView(b.buffer));
  return b;
}

function kindOf(bytes: Uint8Array, ram = RAM): PvImageErrorKind | "ok" {
  const r = parsePvImage(bytes, ram);
  return r.ok ? "ok" : r.error.kind;
}

describe("kernel/pv/pv-image", function () {
  let guest: Uint8Array;
  let note: number;
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    guest = buildGuest("test/paravirt-abi/guests/guest.json", "pvext-guest", "O2")!;
    note = section(guest, ".pvabi").offset;
  });

  it("accepts the conformance guest and records its imports in .pvext order", () => {
    const r = parsePvImage(guest, RAM);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.image.guestName).to.equal("pvext-conformance");
    expect(r.image.imports.map((i) => i.name)).to.include.members(["pv_console_write", "pvtest_not_a_service"]);
    const { sym, jmp } = r.image.pvext;
    r.image.imports.forEach((imp, k) => expect([imp.sym, imp.slot]).to.deep.equal([sym.start + 4 * k, jmp.start + 4 * k]));
  });

  it("refuses what is not an ELF image, or does not fit the partition's RAM", () => {
    expect(kindOf(new Uint8Array(100))).to.equal("elf");
    expect(kindOf(guest.subarray(0, 60))).to.equal("elf");
    expect(kindOf(guest, 4096)).to.equal("outsideRam");
  });

  it("refuses a missing note, a bad magic and an ABI it does not serve", () => {
    const noMagic = patched(guest, (_, dv) => dv.setUint32(note + F.magic.offset, 0, true));
    expect(kindOf(noMagic)).to.equal("badNote");
    const shstr = section(guest, ".shstrtab").offset;
    const renamed = patched(noMagic, (b) => {
      const at = Buffer.from(b.subarray(shstr)).indexOf(".pvabi");
      b[shstr + at + 5] = "x".charCodeAt(0);
    });
    expect(kindOf(renamed)).to.equal("noNote");
    const major2 = patched(guest, (_, dv) => dv.setUint16(note + F.abi_major.offset, 2, true));
    const r = parsePvImage(major2, RAM);
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.error.kind).to.equal("abiMajor");
      expect(r.error.message).to.contain("ABI 2.0").and.to.contain("ABI 1.0");
    }
    expect(kindOf(patched(guest, (_, dv) => dv.setUint16(note + F.abi_minor.offset, 1, true)))).to.equal("abiMinor");
    expect(kindOf(patched(guest, (_, dv) => dv.setUint32(note + F.features.offset, 0x100, true)))).to.equal("features");
  });

  it("refuses malformed .pvext tables: unequal counts, reversed bounds, stray sym words, bad names", () => {
    const rd = (at: number): number => new DataView(guest.buffer, guest.byteOffset).getUint32(at, true);
    expect(kindOf(patched(guest, (_, dv) => dv.setUint32(note + F.pvext_jmp_end.offset, rd(note + F.pvext_jmp_end.offset) - 4, true)))).to.equal("badPvext");
    expect(kindOf(patched(guest, (_, dv) => dv.setUint32(note + F.pvext_str_end.offset, rd(note + F.pvext_str_start.offset) - 1, true)))).to.equal("badPvext");
    expect(kindOf(patched(guest, (_, dv) => dv.setUint32(note + F.pvext_sym_start.offset, 0x10, true)))).to.equal("badPvext");
    const sym = section(guest, ".pvext.sym").offset;
    expect(kindOf(patched(guest, (_, dv) => dv.setUint32(sym, 0x00400000, true))), "sym word outside .pvext.str").to.equal("badPvext");
    const str = section(guest, ".pvext.str").offset;
    expect(kindOf(patched(guest, (b) => (b[str] = "-".charCodeAt(0)))), "not an identifier").to.equal("badPvext");
    expect(kindOf(patched(guest, (b) => b.fill(0x41, str, str + 80))), "unterminated within EXT_NAME_MAX").to.equal("badPvext");
  });

  it("makes createPvVm throw a PartitionLoadError naming the partition, the file and both ABI versions", () => {
    const major2 = patched(guest, (_, dv) => dv.setUint16(note + F.abi_major.offset, 2, true));
    const p = partition(1);
    const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: 1000n, windows: [[1, 0, 1000]] })] });
    const make = (): unknown =>
      createPvVm({ partition: p, config, console: () => undefined, clockHz: 100_000_000, libpvImage: libpvBytes()!, image: major2, imagePath: "p1.elf" });
    expect(make).to.throw(PartitionLoadError, /partition P1: p1\.elf: image built for paravirt ABI 2\.0, this kernel serves ABI 1\.0/);
  });
});
