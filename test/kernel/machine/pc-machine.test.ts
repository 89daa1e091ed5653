import { expect } from "chai";
import { IF } from "../../../kernel/cpu/flags";
import { MULTIBOOT_BOOTLOADER_MAGIC, planMultibootLoad } from "../../../kernel/loader/multiboot";
import { PcMachine } from "../../../kernel/machine/pc-machine";
import { guestPhys, ioPort, type Nanos } from "../../../kernel/mem/types";
import { CollectingSink } from "../devices/collaborators";
import { fvTestImage } from "./fv-test-image";

const MIB = 1024 * 1024;

function machine(): { pc: PcMachine; out: CollectingSink; e9: CollectingSink; exits: number[]; at: (t: bigint) => void } {
  let t = 0n;
  const out = new CollectingSink();
  const e9 = new CollectingSink();
  const exits: number[] = [];
  const pc = new PcMachine({ memoryBytes: 32 * MIB, now: () => t as Nanos, serialOut: out, debugConsoleOut: e9, requestExit: (s) => exits.push(s) });
  return { pc, out, e9, exits, at: (v) => (t = v) };
}

describe("kernel/machine/pc-machine", () => {
  it("puts COM1, port 0xE9, isa-debug-exit, the CMOS/RTC and the CGA CRTC on their PC ports; other ports read all-ones, counted", () => {
    const { pc, out, e9, exits } = machine();
    const out8 = (port: number, v: number): void => pc.bus.write(ioPort(port), 1, v);
    const in8 = (port: number): number => pc.bus.read(ioPort(port), 1);
    out8(0x3f8, 0x41);
    out8(0xe9, 0x42);
    pc.bus.write(ioPort(0xf4), 4, 2);
    expect([out.text(), e9.text(), exits]).to.deep.equal(["A", "B", [5]]);
    out8(0x70, 0x17);
    const ext = in8(0x71);
    out8(0x70, 0x18);
    expect(ext | (in8(0x71) << 8)).to.equal(31 * 1024); // CMOS extended memory: RAM above 1 MiB in KiB
    out8(0x3d4, 0x0f);
    out8(0x3d5, 0x22);
    expect(pc.cga!.cursorCell()).to.equal(0x22);
    expect(in8(0x2f8)).to.equal(0xff);
    expect(pc.bus.unmappedReads).to.equal(1);
  });

  it("maps the CGA text buffer, the local APIC and the I/O APIC into physical memory", () => {
    const { pc } = machine();
    pc.memory.write16(guestPhys(0xb8000), 0x0748);
    expect(pc.cga!.dumpText().split("\n")[0]).to.equal("H");
    expect(pc.memory.read32(guestPhys(0xfee00030)) & 0xff).to.equal(0x14); // local APIC version
    pc.memory.write32(guestPhys(0xfec00000), 1); // IOREGSEL = IOAPICVER
    expect(pc.memory.read32(guestPhys(0xfec00010))).to.equal(0x170011);
  });

  it("leaves the BDA, and the MP tables inside the EBDA, in low memory", () => {
    const { pc } = machine();
    expect(pc.memory.read16(guestPhys(0x400))).to.equal(0x3f8);
    expect(pc.baseMemoryKiB).to.equal(639);
    expect(Buffer.from(pc.memory.readBytes(guestPhys(0x9fc10), 4)).toString()).to.equal("_MP_");
  });

  it("routes the PIT through the PICs as the BIOS leaves them (vector 0x08), and through I/O APIC pin 2 once programmed", () => {
    const { pc, at } = machine();
    at(60_000_000n); // past the 18.2 Hz PIT's first period
    pc.timers.fireDue();
    expect(pc.interruptPending()).to.equal(true);
    expect(pc.interrupts.acknowledge()).to.equal(0x08);
    // Guest enables the local APIC (SVR bit 8) and unmasks I/O APIC pin 2 at vector 0x30.
    pc.memory.write32(guestPhys(0xfee000f0), 0x1ff);
    pc.memory.write32(guestPhys(0xfec00000), 0x10 + 2 * 2);
    pc.memory.write32(guestPhys(0xfec00010), 0x30);
    at(120_000_000n);
    pc.timers.fireDue();
    expect(pc.lapic!.pending()).to.equal(true);
    expect(pc.interrupts.acknowledge()).to.equal(0x30);
  });

  it("enters a Multiboot kernel as the spec says: EAX magic, EBX info, flat CS 0x08 / DS 0x10, interrupts off", () => {
    const { pc } = machine();
    const planned = planMultibootLoad(fvTestImage(), { memoryBytes: 32 * MIB, commandLine: "k", bootLoaderName: "apexvisor" });
    if (!planned.ok) throw new Error(planned.error.message);
    pc.loadMultiboot(planned.plan);
    const st = pc.cpu.saveState();
    expect(pc.cpu.eax >>> 0).to.equal(MULTIBOOT_BOOTLOADER_MAGIC);
    expect(pc.cpu.ebx).to.equal(planned.plan.infoAddr);
    expect(pc.cpu.eip).to.equal(planned.plan.entry);
    expect(st.seg.map((s) => s.sel)).to.deep.equal([0x10, 0x08, 0x10, 0x10, 0x10, 0x10]);
    expect(st.eflags & IF).to.equal(0);
    expect(st.cr0 & 0x8000_0000).to.equal(0);
  });
});
