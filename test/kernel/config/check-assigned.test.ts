import { expect } from "chai";
import { validateText } from "../../../kernel/config/load";

/** Two partitions: "drv" (PV unless told) and "other" (PV), with the given apx:Guest bodies. */
function module(drv: string, other = "", drvKind = "PV"): string {
  return `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="m">
  <Partition PartitionIdentifier="1" PartitionName="drv"><apx:Guest Kind="${drvKind}" Image="d.elf">${drv}</apx:Guest></Partition>
  <Partition PartitionIdentifier="2" PartitionName="other"><apx:Guest Kind="PV" Image="o.elf">${other}</apx:Guest></Partition>
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

describe("kernel/config device assignment (apx:Device Assign)", () => {
  it("accepts UARTs assigned to PV partitions, one device per partition", () => {
    const r = validateText(module(`<apx:Device Name="uart16550@0x2f8" Assign="true"/>`, `<apx:Device Name="uart16550@0x2e8" Assign="true"/>`), "/m/m.xml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.partitions.map((p) => (p.guest.assigned ?? []).map((a) => a.name))).to.deep.equal([["uart16550@0x2f8"], ["uart16550@0x2e8"]]);
    expect(r.config.partitions[0]!.guest.devices).to.deep.equal([]);
  });

  it("refuses a device assigned twice: in two partitions (same port, other spelling) or twice in one", () => {
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8" Assign="true"/>`, `<apx:Device Name="uart16550@760" Assign="true"/>`))).to.deep.equal([
      `device "uart16550@760" is already assigned to partition "drv" (as "uart16550@0x2f8"); a device belongs to one partition`,
    ]);
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8" Assign="true"/><apx:Device Name="uart16550@0x2F8" Assign="true"/>`))[0]).to.match(/listed twice/);
  });

  it("refuses assignment to an FV partition, unknown or unassignable devices, and Server with Assign", () => {
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8" Assign="true"/>`, "", "FV"))[0]).to.match(/device assignment \(Assign="true"\) is for PV partitions/);
    expect(errors(module(`<apx:Device Name="floppy" Assign="true"/>`))[0]).to.match(/unknown device "floppy"/);
    expect(errors(module(`<apx:Device Name="pit8254" Assign="true"/>`))[0]).to.match(/cannot be assigned to a partition; assignable devices: uart16550@BASE/);
    expect(errors(module(`<apx:Device Name="uart16550@0x300" Assign="true"/>`))[0]).to.match(/a uart16550 sits at one of/);
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8" Assign="true" Server="other"/>`))[0]).to.match(/either served by a partition \(Server\) or assigned/);
  });

  it("still refuses a PV partition's device without Assign, and says how to assign one", () => {
    expect(errors(module(`<apx:Device Name="uart16550@0x2f8"/>`))[0]).to.match(/a PV guest has no emulated devices; .*Assign="true"/);
  });
});
