import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { OpenDisks } from "../../../kernel/disk/open-disks";
import { nodeDiskWriteBack } from "../../../kernel/host/node/node-disk-writer";
import { NODE_HOST } from "../../../kernel/host/node/node-files";
import { nanos } from "../../../kernel/mem/types";
import { defaultBuilders } from "../../../kernel/module/default-builders";
import { runModule, type RunModuleOutcome } from "../../../kernel/module/run-module";
import { NULL_SINK } from "../../../kernel/trace/tracer";
import { DISK_GUEST_ELF, expectedResult, sampleText, textDisk } from "../../support/disk-guest";

/** A module with one FV partition running the disk guest; `ata` is the apx:Device element of its disk. */
const MODULE = (ata: string, extra = "") => `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="disk">
  <Partition PartitionIdentifier="1" PartitionName="reader">
    <apx:Guest Kind="FV" Image="${DISK_GUEST_ELF}" CommandLine="mode=irq">
      <apx:Device Name="pic8259"/>
      <apx:Device Name="uart16550@0x3f8"${extra}/>
      <apx:Device Name="isa_debug_exit"/>
      ${ata}
    </apx:Guest>
  </Partition>
  <Module_Schedule MajorFrameSeconds="0.01">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.01" PeriodDurationSeconds="0.005">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.005" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
</ARINC_653_Module>
`;

describe("partitions/io: an FV partition with apx:Device Name=\"ata\" Image=... (in-kernel controller)", () => {
  let dir: string;
  const text = sampleText();
  const { image, resultLba } = textDisk(text);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "apx-disk-module-"));
    writeFileSync(join(dir, "disk.img"), image);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(xml: string): { out: RunModuleOutcome; lines: string[]; disks: OpenDisks } {
    const file = join(dir, "m.xml");
    writeFileSync(file, xml);
    const lines: string[] = [];
    const disks = new OpenDisks(NODE_HOST.files, nodeDiskWriteBack);
    const out = runModule({ file, host: NODE_HOST, length: { kind: "duration", value: nanos(60_000_000) }, builders: (c) => defaultBuilders(c, NODE_HOST, undefined, disks), trace: NULL_SINK, onConsoleLine: (n, l) => lines.push(`${n}: ${l}`) });
    return { out, lines, disks };
  }

  it("Persist=\"true\": the guest's result reaches the image file when the run's disks are flushed", () => {
    const r = run(MODULE('<apx:Device Name="ata" Image="disk.img" Persist="true"/>'));
    expect(r.out.kind).to.equal("ran");
    expect(r.lines).to.include(`reader: irq: ${expectedResult(text).trimEnd()}`);
    expect(readFileSync(join(dir, "disk.img"))).to.deep.equal(Buffer.from(image)); // nothing written before the flush
    expect(r.disks.flushAll()).to.deep.equal([]);
    const after = readFileSync(join(dir, "disk.img"));
    expect(after.subarray(resultLba * 512, resultLba * 512 + 20).toString("latin1")).to.equal(expectedResult(text).slice(0, 20));
  });

  it("Persist absent (copy-on-write): the image file is never changed", () => {
    const r = run(MODULE('<apx:Device Name="ata" Image="disk.img"/>'));
    expect(r.lines.some((l) => l.startsWith("reader: irq: lines="))).to.equal(true);
    expect(r.disks.flushAll()).to.deep.equal([]);
    expect(readFileSync(join(dir, "disk.img"))).to.deep.equal(Buffer.from(image));
  });

  it("the reader checks the attributes: ata needs Image; Image and Persist belong to ata only", () => {
    const r = run(MODULE('<apx:Device Name="ata"/>', ' Image="disk.img"'));
    expect(r.out.kind).to.equal("invalid");
    const messages = r.out.kind === "invalid" ? r.out.diagnostics.map((d) => d.message) : [];
    expect(messages).to.include('apx:Device Name="ata" needs Image="FILE", the disk image of its master disk');
    expect(messages).to.include('apx:Device "uart16550@0x3f8" has no disk; Image and Persist belong to Name="ata"');
  });

  it("a missing or mis-sized image is a load error naming the partition, nothing runs", () => {
    const missing = run(MODULE('<apx:Device Name="ata" Image="nope.img"/>'));
    expect(missing.out.kind).to.equal("loadError");
    if (missing.out.kind === "loadError") expect(missing.out.error.reason).to.equal("disk image: no such file");
    writeFileSync(join(dir, "odd.img"), new Uint8Array(700));
    const odd = run(MODULE('<apx:Device Name="ata" Image="odd.img"/>'));
    if (odd.out.kind !== "loadError") throw new Error(`expected a load error, got ${odd.out.kind}`);
    expect(odd.out.error.reason).to.equal("disk image: is 700 bytes, not a whole number of 512-byte sectors");
    expect(odd.lines).to.deep.equal([]);
  });
});
