import { expect } from "chai";
import { checkServedDevices } from "../../../kernel/config/check-served";
import { DiagnosticSink } from "../../../kernel/config/diagnostic";
import { validateText } from "../../../kernel/config/load";

/** A two-partition module whose first partition's apx:Guest body and the second's kind are given. */
function module(devices: string, serverKind = "PV", extraPartition = ""): string {
  return `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="m">
  <Partition PartitionIdentifier="1" PartitionName="guest">
    <apx:Guest Kind="FV" Image="g.elf">${devices}</apx:Guest>
  </Partition>
  <Partition PartitionIdentifier="2" PartitionName="io"><apx:Guest Kind="${serverKind}" Image="s.elf"/></Partition>
  ${extraPartition}
  <Module_Schedule MajorFrameSeconds="0.2">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.2" PeriodDurationSeconds="0.1">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.1" PartitionPeriodStart="true"/>
    </Partition_Schedule>
    <Partition_Schedule PartitionIdentifier="2" PeriodSeconds="0.2" PeriodDurationSeconds="0.1">
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.1" WindowDurationSeconds="0.1" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
</ARINC_653_Module>`;
}

function errors(xml: string): string[] {
  const r = validateText(xml, "/m/m.xml");
  return r.ok ? [] : r.errors.map((e) => e.message);
}

describe("kernel/config/check-served (apx:Device Server)", () => {
  it("accepts a UART and the ATA channel served by a PV partition, and keeps them out of the kernel's device list", () => {
    const r = validateText(module(`<apx:Device Name="uart16550@0x3f8" Server="io"/><apx:Device Name="ata" Server="io"/>`), "/m/m.xml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const g = r.config.partitions[0]!.guest;
    expect(g.devices).to.deep.equal([]);
    expect(g.served?.map((d) => `${d.name}->${d.server}`)).to.deep.equal(["uart16550@0x3f8->io", "ata->io"]);
  });

  it("refuses a server that does not exist, is FV, or is the client itself", () => {
    expect(errors(module(`<apx:Device Name="uart16550" Server="nobody"/>`))).to.deep.equal([`device "uart16550" names Server "nobody", which is not a partition of this module`]);
    expect(errors(module(`<apx:Device Name="uart16550" Server="io"/>`, "FV"))[0]).to.match(/an FV partition; an I\/O server is a PV partition/);
    expect(errors(module(`<apx:Device Name="uart16550" Server="guest"/>`))[0]).to.match(/cannot serve its own devices/);
  });

  it("refuses a port range claimed twice: two served UARTs at one base, or a served and an in-kernel one", () => {
    expect(errors(module(`<apx:Device Name="uart16550" Server="io"/><apx:Device Name="uart16550@0x3f8" Server="io"/>`))[0]).to.match(/claims port 0x3f8, which uart16550 already claims/);
    expect(errors(module(`<apx:Device Name="pic8259"/><apx:Device Name="uart16550@0x3f8"/><apx:Device Name="uart16550@1016" Server="io"/>`))[0]).to.match(/claims port 0x3f8, which uart16550@0x3f8 already claims/);
  });

  it("refuses the ATA channel both in the kernel and served: its ports 0x1F0-0x1F7 and 0x3F6 would be claimed twice", () => {
    const both = errors(module(`<apx:Device Name="pic8259"/><apx:Device Name="ata" Image="d.img"/><apx:Device Name="ata" Server="io" Image="d.img"/>`));
    expect(both).to.have.length(1);
    expect(both[0]).to.match(/device "ata" (is listed twice|claims port 0x1f0)/);
    const served = errors(module(`<apx:Device Name="ata" Server="io" Image="d.img"/><apx:Device Name="pic8259"/><apx:Device Name="ata" Image="d.img"/>`));
    expect(served).to.have.length(1);
  });

  it("check-served itself knows the in-kernel ATA ranges (past the reader's same-name check)", () => {
    const r = validateText(module(`<apx:Device Name="ata" Server="io" Image="d.img"/>`), "/m/m.xml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const [client, server] = r.config.partitions;
    const both = { ...client!, guest: { ...client!.guest, devices: ["pic8259", "ata"] } };
    const sink = new DiagnosticSink();
    checkServedDevices(new Map([[1, both], [2, server!]]), sink);
    expect(sink.sorted().map((d) => d.message)).to.deep.equal(['device "ata" claims port 0x1f0, which ata already claims in partition "guest"']);
  });

  it("refuses devices a partition cannot serve and UART bases a PC does not have", () => {
    expect(errors(module(`<apx:Device Name="pit8254" Server="io"/>`))[0]).to.match(/cannot be served by a partition; servable devices: uart16550, ata/);
    expect(errors(module(`<apx:Device Name="uart16550@0x300" Server="io"/>`))[0]).to.match(/a served uart16550 sits at one of/);
  });
  it("places a served uart16550 in an MMIO window (Mmio, Irq) with no ports, and checks the window", () => {
    const r = validateText(module(`<apx:Device Name="uart16550@0xfebff000" Server="io" Mmio="true" Irq="3"/>`), "/m/m.xml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.partitions[0]!.guest.served?.[0]).to.deep.include({ name: "uart16550@0xfebff000", server: "io", mmio: true, irq: 3 });
    // Past the end of the 32-bit space; over the client's RAM (64 MiB by default); over its I/O APIC.
    expect(errors(module(`<apx:Device Name="uart16550@0xfffffffc" Server="io" Mmio="true"/>`))).to.deep.equal([`device "uart16550@0xfffffffc": its MMIO window 0xfffffffc+8 goes past the 32-bit address space`]);
    expect(errors(module(`<apx:Device Name="uart16550@0x100000" Server="io" Mmio="true"/>`))[0]).to.match(/MMIO window 0x100000\+8 overlaps its RAM \(0x0-0x3ffffff\) in partition "guest"/);
    expect(errors(module(`<apx:Device Name="uart16550@0xfec00010" Server="io" Mmio="true"/>`))[0]).to.match(/overlaps io_apic/);
    // Without the APICs in the device list, their windows are free.
    expect(errors(module(`<apx:Device Name="pic8259"/><apx:Device Name="uart16550@0xfec00010" Server="io" Mmio="true"/>`))).to.deep.equal([]);
    // Two windows over each other.
    expect(errors(module(`<apx:Device Name="uart16550@0xfebff000" Server="io" Mmio="true"/><apx:Device Name="uart16550@0xfebff004" Server="io" Mmio="true"/>`))[0]).to.match(/window 0xfebff004\+8 overlaps uart16550@0xfebff000/);
  });

  it("refuses Mmio and Irq where they mean nothing", () => {
    expect(errors(module(`<apx:Device Name="uart16550" Server="io" Mmio="true"/>`))[0]).to.match(/names its address/);
    expect(errors(module(`<apx:Device Name="ata" Server="io" Mmio="true"/>`))[0]).to.match(/reached through its ports/);
    expect(errors(module(`<apx:Device Name="uart16550@0x3f8" Server="io" Irq="3"/>`))[0]).to.match(/Irq is only for a device in an MMIO window/);
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8" Mmio="true"/>`))[0]).to.match(/Mmio and Irq place a device served by a partition/);
    expect(errors(module(`<apx:Device Name="uart16550@0xfebff000" Server="io" Mmio="true" Irq="16"/>`))).to.have.length(1);
  });
});
