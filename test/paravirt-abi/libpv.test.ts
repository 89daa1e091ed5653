// libpv as built by paravirt-abi/libpv/guest.json + linkcmds/libpv.ld: position-fixed at PV_LIBPV_BASE,
// no writable data, and an export table that names every bindable service and local function with the
// right address, id and flags. Skips (and says so) without an i386 toolchain.
import { expect } from "chai";
import { loadAbi } from "../../paravirt-abi/gen/load";
import { EXPORT_LAYOUT, PV_CONSTANTS } from "../../kernel/hypercall/generated/abi-layout";
import { ExportFlags, PvError, ServiceId } from "../../kernel/hypercall/generated/abi-generated";
import { buildGuest, guestToolchain, REPO_ROOT } from "./lib/build";
import { Elf32, SHF_EXECINSTR, SHF_WRITE } from "./lib/elf32";

describe("paravirt-abi: libpv image", function () {
  let elf: Elf32;
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    const bytes = buildGuest("paravirt-abi/libpv/guest.json", "libpv", "O2");
    if (bytes === null) throw new Error("toolchain vanished");
    elf = new Elf32(bytes);
  });

  it("lives inside [PV_LIBPV_BASE, +PV_LIBPV_MAX_SIZE) and has nothing writable", () => {
    const loaded = elf.sections.filter((s) => s.addr !== 0);
    expect(loaded.length).to.be.greaterThan(0);
    for (const s of loaded) {
      expect(s.addr, s.name).to.be.at.least(PV_CONSTANTS.LIBPV_BASE);
      expect(s.addr + s.size - PV_CONSTANTS.LIBPV_BASE, s.name).to.be.at.most(PV_CONSTANTS.LIBPV_MAX_SIZE);
      expect(s.flags & SHF_WRITE, `${s.name} writable`).to.equal(0);
    }
  });

  it("exports every service and local function with its address, id and flags", () => {
    const def = loadAbi(REPO_ROOT);
    const start = elf.symbol("__pvexport_start");
    const end = elf.symbol("__pvexport_end");
    const sec = elf.section(".pvexport");
    expect([start, end]).to.deep.equal([sec.addr, sec.addr + sec.size]);
    const count = (end - start) / EXPORT_LAYOUT.size;
    expect(count).to.equal(def.services.length + def.local.length);
    const f = EXPORT_LAYOUT.fields;
    const rows = Array.from({ length: count }, (_, i) => {
      const at = start + i * EXPORT_LAYOUT.size;
      return { name: elf.string(elf.word(at + f.name.offset)), address: elf.word(at + f.address.offset), id: elf.word(at + f.service_id.offset), flags: elf.word(at + f.flags.offset) };
    });
    const want = [
      ...def.services.map((s) => ({ name: `pv_${s.name}`, id: s.id, flags: s.libpv === "resolver" ? ExportFlags.INTERNAL : ExportFlags.SERVICE })),
      ...def.local.map((l) => ({ name: `pv_${l.name}`, id: PV_CONSTANTS.EXPORT_NOT_A_SERVICE, flags: l.bindable ? ExportFlags.LOCAL : ExportFlags.INTERNAL })),
    ];
    expect(rows.map((r) => ({ name: r.name, id: r.id, flags: r.flags }))).to.deep.equal(want);
    for (const r of rows) {
      expect(r.address, r.name).to.equal(elf.symbol(r.name));
      expect((elf.sectionAt(r.address)?.flags ?? 0) & SHF_EXECINSTR, `${r.name} is code`).to.equal(SHF_EXECINSTR);
    }
  });

  it("enters the resolver trap with the caller's EAX saved and never falls through", () => {
    const id = ServiceId.Resolve;
    expect([...elf.bytes(elf.symbol("pv_resolve"), 10)]).to.deep.equal([0x50, 0xb8, id, 0, 0, 0, 0xcd, 0x82, 0x0f, 0x0b]);
  });

  it("binds unknown names to a stub that returns PV_ENOSYS", () => {
    const code = [...elf.bytes(elf.symbol("pv_enosys"), 6)];
    expect(code).to.deep.equal([0xb8, 0xff, 0xff, 0xff, 0xff, 0xc3]);
    expect(PvError.ENOSYS).to.equal(-1);
  });
});
