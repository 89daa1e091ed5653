// The PV address space built by the kernel: every guest-reachable page is partition RAM, libpv,
// start-info or the shared page with the ABI's permissions; the page tables themselves and anything
// below PV_IMAGE_BASE are unreachable from ring 3. Skips without an i386 toolchain.
import { expect } from "chai";
import { PV_CONSTANTS } from "../../../kernel/hypercall/abi-layout";
import { pvMachineOf, createPvVm } from "../../../kernel/partition/pv-vm";
import { moduleSchedule, partition, systemConfig } from "../../support/config-fixtures";
import { libpvBytes } from "../../support/pv-module";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";

describe("kernel/hypercall/pv-address-space", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("maps only RAM, libpv (RX), start-info (R) and the shared page (RW); page tables stay out of reach", () => {
    const p = partition(1);
    const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: 1000n, windows: [[1, 0, 1000]] })] });
    const image = buildGuest("test/paravirt-abi/guests/guest.json", "trap-guest", "O2")!;
    const vm = createPvVm({ partition: p, config, console: () => undefined, clockHz: 100_000_000, libpvImage: libpvBytes()!, image, imagePath: "t.elf" });
    const { cpu, layout } = pvMachineOf(vm)!;
    const ram = PV_CONSTANTS.IMAGE_BASE;
    const reach = new Map<number, string>();
    const check = (v: number): void => {
      const r = cpu.probe(v | 0, false, true);
      if (r < 0) return;
      const w = cpu.probe(v | 0, true, true) >= 0;
      const page = r >>> 12 << 12;
      let what: string;
      if (page < layout.ramBytes) what = v - ram === page ? "ram" : "ram-misplaced";
      else if (page === layout.startInfo) what = "startInfo";
      else if (page === layout.sharedPage) what = "shared";
      else if (page >= layout.libpv && page < layout.total) what = "libpv";
      else what = `kernel page 0x${page.toString(16)}`;
      reach.set(v >>> 0, `${what}${w ? "+w" : ""}`);
    };
    for (let v = 0; v < 0x1_0000_0000; v += 0x40_0000) if (cpu.probe(v | 0, false, true) >= 0 || v === ram || v === PV_CONSTANTS.LIBPV_BASE) for (let o = 0; o < 0x40_0000; o += 4096) check(v + o);
    const kinds = new Set(reach.values());
    expect([...kinds].filter((k) => k.startsWith("kernel") || k.includes("misplaced"))).to.deep.equal([]);
    expect(reach.get(PV_CONSTANTS.START_INFO_VADDR)).to.equal("startInfo");
    expect(reach.get(PV_CONSTANTS.SHARED_PAGE_VADDR)).to.equal("shared+w");
    expect(reach.get(PV_CONSTANTS.LIBPV_BASE)).to.equal("libpv");
    expect(reach.get(ram), "text is read-only").to.equal("ram");
    expect(reach.get(ram + layout.ramBytes - 4096)).to.equal("ram+w");
    expect([...reach.keys()].every((v) => v >= ram), "nothing below PV_IMAGE_BASE").to.equal(true);
    expect(reach.size).to.equal(layout.ramBytes / 4096 + 2 + layout.libpvPages);
  });
});
