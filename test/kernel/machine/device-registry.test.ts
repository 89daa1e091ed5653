import { expect } from "chai";
import { checkDeviceList, DEFAULT_PC_DEVICES } from "../../../kernel/machine/device-catalog";
import { PcMachine } from "../../../kernel/machine/pc-machine";
import { guestPhys, ioPort, type Nanos } from "../../../kernel/mem/types";
import { CollectingSink } from "../devices/collaborators";

const MIB = 1024 * 1024;

function pcWith(devices: readonly string[] | undefined): { pc: PcMachine; out: CollectingSink } {
  const out = new CollectingSink();
  const pc = new PcMachine({ memoryBytes: 4 * MIB, now: () => 0n as Nanos, serialOut: out, debugConsoleOut: out, requestExit: () => undefined, ...(devices === undefined ? {} : { devices }) });
  return { pc, out };
}

describe("kernel/machine/device-registry", () => {
  it("builds the default PC when no list is given, every unit with a stable snapshot name", () => {
    const { pc } = pcWith(undefined);
    expect(pc.units().map((u) => u.name)).to.deep.equal(["pic8259-master", "pic8259-slave", "local-apic", "io-apic", "pit8254", "system-port-b", "i8042", "reset-control", "fpu-error", "uart16550@0x3f8", "cmos-rtc", "cga-text", "isa-debug-exit", "debug-console-e9", "pci-host-bridge"]);
    expect(DEFAULT_PC_DEVICES.length).to.equal(14);
  });

  it("the default PC has the i8042 (0x60/0x64), port 0x61 and reset control (0xCF9), both resets reaching the owner", () => {
    const resets: string[] = [];
    const pc = new PcMachine({ memoryBytes: 4 * MIB, now: () => 0n as Nanos, serialOut: new CollectingSink(), requestExit: () => undefined, requestReset: (c) => resets.push(c) });
    expect(pc.keyboard).to.not.equal(undefined);
    expect(pc.bus.read(ioPort(0x64), 1)).to.not.equal(0xff); // the status register answers
    expect(pc.bus.read(ioPort(0x61), 1)).to.not.equal(0xff);
    pc.bus.write(ioPort(0x64), 1, 0xfe); // pulse the reset line
    pc.bus.write(ioPort(0xcf9), 1, 0x06); // hard reset through the reset control register
    expect(resets.length).to.equal(2);
    const bare = pcWith(["pic8259"]).pc;
    expect(bare.keyboard).to.equal(undefined);
    expect(bare.bus.read(ioPort(0x64), 1)).to.equal(0xff);
    expect(bare.bus.read(ioPort(0x61), 1)).to.equal(0xff);
  });

  it("a device not in the list does not exist: its ports float (0xFF) and its MMIO is plain RAM", () => {
    const { pc, out } = pcWith(["uart16550@0x2f8", "pic8259"]);
    expect(pc.pit).to.equal(undefined);
    expect(pc.bus.read(ioPort(0x40), 1)).to.equal(0xff);
    expect(pc.bus.read(ioPort(0x71), 1)).to.equal(0xff);
    expect(pc.bus.read(ioPort(0x3fd), 1)).to.equal(0xff);
    pc.bus.write(ioPort(0x2f8), 1, 0x5a);
    expect(out.text()).to.equal("Z");
    expect(pc.memory.isRam(guestPhys(0xb8000))).to.equal(true);
    expect(pc.units().map((u) => u.name)).to.deep.equal(["pic8259-master", "pic8259-slave", "uart16550@0x2f8"]);
  });

  it("the list is ordered for building whatever the XML order, and bad lists name every problem", () => {
    const ok = checkDeviceList(["uart16550", "io_apic", "local_apic", "pic8259"]);
    expect(ok.ok && ok.specs.map((s) => s.type)).to.deep.equal(["pic8259", "local_apic", "io_apic", "uart16550"]);
    const bad = checkDeviceList(["floppy", "io_apic", "uart16550@0x3f9", "pit8254@0x40", "cga_text", "cga_text"]);
    expect(bad.ok ? [] : bad.errors).to.deep.equal([
      'unknown device "floppy"; known devices: pic8259, local_apic, io_apic, pit8254, system_port_b, i8042, reset_control, fpu_error, uart16550, cmos_rtc, cga_text, isa_debug_exit, debug_console_e9, ata, pci_host_bridge, sampling_ports, apx_services',
      'device "uart16550@0x3f9": a uart16550 sits at one of 0x3f8, 0x2f8, 0x3e8, 0x2e8',
      'device "pit8254@0x40": pit8254 sits at its fixed PC address; write "pit8254" without @base',
      'device "cga_text" is listed twice',
      'device "io_apic" needs "local_apic" in the same list',
    ]);
  });
});
