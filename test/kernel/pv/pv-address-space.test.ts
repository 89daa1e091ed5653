// The PV address space built by the kernel: every guest-reachable page is partition RAM, libpv,
// start-info or the shared page with the ABI's permissions; the page tables themselves and anything
// below PV_IMAGE_BASE are unreachable from ring 3. Skips without an i386 toolchain.
import { expect } from "chai";
import { PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { readGuestBytes, writeGuestBytes } from "../../../kernel/mem/guest-access";
import { guestVirt } from "../../../kernel/mem/types";
import { pvMachineOf, createPvVm } from "../../../kernel/pv/pv-vm";
import { moduleSchedule, partition, systemConfig } from "../../support/config-fixtures";
import { libpvBytes } from "../../support/pv-module";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";

describe("kernel/pv/pv-address-space", function () {
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

  it("maps apx:Shared blocks from SHARED_BASE with each partition's Access; both see the same bytes, across a restart", () => {
    const region = (shared: string, size: number, access: "READ_ONLY" | "READ_WRITE") => ({ name: shared, type: "DATA" as const, sizeBytes: size, physicalAddress: undefined, access, shared, pos: { file: "m.xml", line: 1, column: 1 } });
    const p1 = { ...partition(1), memory: [region("cfg", 0x2000, "READ_ONLY"), region("blk", 0x1000, "READ_WRITE")] };
    const p2 = { ...partition(2), memory: [region("blk", 0x1000, "READ_ONLY")] };
    const config = systemConfig({ partitions: [p1, p2], schedules: [moduleSchedule({ majorFrame: 1000n, windows: [[1, 0, 500], [2, 500, 500]] })] });
    const image = buildGuest("test/paravirt-abi/guests/guest.json", "trap-guest", "O2")!;
    const vm = (p: typeof p1) => createPvVm({ partition: p, config, console: () => undefined, clockHz: 100_000_000, libpvImage: libpvBytes()!, image, imagePath: "t.elf" });
    const [v1, v2] = [vm(p1), vm(p2)];
    const c1 = pvMachineOf(v1)!.cpu;
    const c2 = pvMachineOf(v2)!.cpu;
    const base = PV_CONSTANTS.SHARED_BASE;
    const blk1 = base + 0x2000;
    expect([c1.probe(base | 0, true, true) < 0, c1.probe(base | 0, false, true) >= 0], "P1 cfg read-only").to.deep.equal([true, true]);
    expect(c1.probe(blk1 | 0, true, true) >= 0, "P1 blk writable").to.equal(true);
    expect([c2.probe(base | 0, true, true) < 0, c2.probe(base | 0, false, true) >= 0], "P2 blk read-only").to.deep.equal([true, true]);
    expect(c2.probe((base + 0x1000) | 0, false, true) < 0, "nothing after P2's block").to.equal(true);
    expect(writeGuestBytes(c1, guestVirt(blk1 + 8), Uint8Array.of(1, 2, 3), { user: true }).ok).to.equal(true);
    expect(writeGuestBytes(c2, guestVirt(base + 8), Uint8Array.of(9), { user: true }).ok, "P2 may not store").to.equal(false);
    expect(readGuestBytes(c2, guestVirt(base + 8), 3, { user: true })).to.deep.equal({ ok: true, value: Uint8Array.of(1, 2, 3) });
    v2.restart("COLD_START");
    expect(readGuestBytes(pvMachineOf(v2)!.cpu, guestVirt(base + 8), 3, { user: true })).to.deep.equal({ ok: true, value: Uint8Array.of(1, 2, 3) });
  });
});

