import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, validateText } from "../../../kernel/config/load";
import type { SystemConfig } from "../../../kernel/config/model";
import { repoRoot } from "./repo-root";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

const examples = path.join(repoRoot(), "partitions", "examples");

function valid(file: string): SystemConfig {
  const r = loadConfig(file, NODE_FILES);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.pos.line}:${e.pos.column} ${e.message}`).join("\n"));
  return r.config;
}

const STANDARD = `<?xml version="1.0"?>
<ARINC_653_Module ModuleName="plain">
  <Partition PartitionIdentifier="0x1" PartitionName="only">
    <Queuing_Port Name="Q" MaxMessageSize="16" Direction="SOURCE" MaxNbMessages="4"/>
  </Partition>
  <Module_Schedule MajorFrameSeconds="0.3">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.1" PeriodDurationSeconds="0.1">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.1" PartitionPeriodStart="true"/>
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.1" WindowDurationSeconds="0.1" PartitionPeriodStart="1"/>
      <Window_Schedule WindowIdentifier="3" WindowStartSeconds="0.2" WindowDurationSeconds="0.1" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
</ARINC_653_Module>`;

describe("kernel/config/validate", () => {
  it("accepts every example module", () => {
    const files = fs.readdirSync(examples).filter((f) => f.endsWith(".xml"));
    expect(files.length).to.be.at.least(3);
    for (const f of files) valid(path.join(examples, f));
  });
  it("gives a standard file with no extensions the guest defaults (PV, trap, no image)", () => {
    const r = validateText(STANDARD, "/m/plain.xml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const p = r.config.partitions[0];
    expect(p?.guest).to.deep.include({ kind: "PV", binding: "trap", image: undefined, commandLine: "" });
    expect(p?.ports[0]).to.deep.include({ kind: "queuing", discipline: "FIFO" });
    expect(r.config.ext.clockHz).to.equal(100_000_000);
    const s = r.config.schedules[0];
    expect(s?.majorFrame).to.equal(300_000_000n);
    expect(s?.initial).to.equal(true);
    expect(s?.windows.map((w) => w.start)).to.deep.equal([0n, 100_000_000n, 200_000_000n]);
  });
  it("reads the extension settings and resolves paths against the XML file's folder", () => {
    const c = valid(path.join(examples, "three-partitions.xml"));
    const [fc, nav, display] = c.partitions;
    expect(fc?.guest).to.deep.include({ kind: "PV", binding: "jumptable", commandLine: "sout=ATTITUDE/32/50 qin=CMD_IN/64/8/PRIORITY fault=memory@3" });
    expect(fc?.guest.image).to.equal(path.join(examples, "..", "..", "build", "guests", "partitions", "examples", "apps", "example-jumptable-O2.elf"));
    expect(fc?.ports.find((p) => p.name === "CMD_IN")).to.deep.include({ discipline: "PRIORITY" });
    expect(nav?.memory.map((m) => m.sizeBytes)).to.deep.equal([1048576, 3145728, 4096]);
    expect(nav?.memory[2]).to.deep.include({ shared: "telemetry", access: "READ_ONLY" });
    expect(display?.guest.kind).to.equal("FV");
    expect(display?.guest.devices).to.deep.equal(["pic8259", "pit8254", "uart16550@0x3f8", "isa_debug_exit", "sampling_ports"]);
    expect(display?.guest.modules).to.deep.equal([path.join(examples, "data", "display-motd.txt")]);
    expect(c.ext.costOverrides).to.deep.equal([{ name: "trap", cycles: 120, pos: c.ext.costOverrides?.[0]?.pos }]);
    expect(c.channels.map((ch) => ch.destinations.length)).to.deep.equal([2, 1]);
    expect(c.partitionHm.map((t) => t.partition)).to.deep.equal([1, 2]);
    expect(c.moduleHm[0]).to.deep.include({ errorId: 5, action: "RESET" });
  });
  it("reads several Part 2 schedules with their identifiers and the initial one", () => {
    const c = valid(path.join(examples, "multi-schedule-p2.xml"));
    expect(c.schedules.map((s) => [s.id, s.name, s.initial])).to.deep.equal([
      [1, "nominal", true],
      [2, "degraded", false],
    ]);
    expect(c.schedules[0]?.minorFrame).to.equal(50_000_000n);
    expect(c.schedules[0]?.partitions.find((p) => p.setModuleSchedule)?.scheduleChangeAction).to.equal("IGNORE");
  });
  it("ignores elements and attributes of vendor namespaces", () => {
    const text = STANDARD.replace('<ARINC_653_Module ModuleName="plain">', '<ARINC_653_Module xmlns:v="urn:v" ModuleName="plain" v:x="1"><v:Tool><Bogus/></v:Tool>');
    expect(validateText(text, "m.xml").ok).to.equal(true);
  });
  it("is deterministic: the same input gives the same diagnostics", () => {
    const bad = STANDARD.replace(/WindowDurationSeconds="0.1"/g, 'WindowDurationSeconds="0.2"');
    const a = validateText(bad, "m.xml");
    const b = validateText(bad, "m.xml");
    expect(a.ok).to.equal(false);
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });
});
