import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { PartitionConfig } from "../../../kernel/config/model";
import { NODE_HOST } from "../../../kernel/host/node/node-files";
import { nanos, type Nanos } from "../../../kernel/mem/types";
import { ModuleClock } from "../../../kernel/module/clock";
import type { PartitionVm, VmSlice } from "../../../kernel/module/partition-vm";
import { runModule, type RunProgress } from "../../../kernel/module/run-module";
import { summaryLines } from "../../../kernel/module/run-report";
import type { VmBuilder, VmBuilders } from "../../../kernel/module/vm-factory";
import { MemoryTracer } from "../../../kernel/trace/tracer";

const MODULE = (imageA: string, imageB: string) => `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="m">
  <Partition PartitionIdentifier="1" PartitionName="alpha">
    <apx:Guest Kind="FV" Image="${imageA}"/>
  </Partition>
  <Partition PartitionIdentifier="2" PartitionName="b">
    <apx:Guest Kind="PV" Image="${imageB}"/>
  </Partition>
  <Module_Schedule MajorFrameSeconds="0.000002">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.000002" PeriodDurationSeconds="0.000001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.000001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
    <Partition_Schedule PartitionIdentifier="2" PeriodSeconds="0.000002" PeriodDurationSeconds="0.0000005">
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.0000015" WindowDurationSeconds="0.0000005" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
</ARINC_653_Module>
`;

/** A VM that prints the image's first byte and the slice start, then uses its whole budget. */
const echoVm: VmBuilder = (p: PartitionConfig, images, console): PartitionVm => ({
  run(budget: number, now: Nanos): VmSlice {
    console(Buffer.from(`${p.name} image byte ${images.image[0]} at ${now} ns for ${budget} cycles\n`));
    return { exit: { kind: "budget" }, cycles: budget };
  },
  restart: () => undefined,
  instructionBytes: () => new Uint8Array(0),
});
const BUILDERS: VmBuilders = { PV: echoVm, FV: echoVm };

describe("kernel/module/run-module", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "apexvisor-run-"));
    writeFileSync(join(dir, "a.elf"), Uint8Array.of(0xaa));
    writeFileSync(join(dir, "b.elf"), Uint8Array.of(0xbb));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every partition in its windows for the requested frames, with console lines named by partition", () => {
    const file = join(dir, "m.xml");
    writeFileSync(file, MODULE("a.elf", "b.elf"));
    const lines: string[] = [];
    const tracer = new MemoryTracer();
    const out = runModule({ file, host: NODE_HOST, length: { kind: "frames", count: 2 }, builders: () => BUILDERS, trace: tracer, onConsoleLine: (n, l) => lines.push(`${n}: ${l}`) });
    expect(out.kind).to.equal("ran");
    expect(lines).to.deep.equal([
      "alpha: alpha image byte 170 at 0 ns for 100 cycles",
      "b: b image byte 187 at 1500 ns for 50 cycles",
      "alpha: alpha image byte 170 at 2000 ns for 100 cycles",
      "b: b image byte 187 at 3500 ns for 50 cycles",
    ]);
    if (out.kind !== "ran") return;
    expect(out.until).to.equal(4000n);
    const table = summaryLines(out.config, out.result, new ModuleClock(100_000_000));
    expect(table[0]).to.match(/^partition\s+kind\s+windows/);
    expect(table[1]).to.match(/^alpha\s+FV\s+2\s+2 us\s+100\.0%\s+0\s+0\s+NORMAL$/);
    expect(table[2]).to.match(/^b\s+PV\s+2\s+1 us\s+100\.0%\s+0\s+0\s+COLD_START$/);
    expect(table[3]).to.equal("ran 4 us of virtual time; 0 HM event(s) logged");
    expect(tracer.events.filter((e) => e.kind === "console").length).to.equal(4);
  });

  it("names the missing image file and the XML line that names it", () => {
    const file = join(dir, "m.xml");
    writeFileSync(file, MODULE("a.elf", "missing.elf"));
    const out = runModule({ file, host: NODE_HOST, length: { kind: "duration", value: nanos(1000) }, builders: () => BUILDERS, trace: new MemoryTracer(), onConsoleLine: () => undefined });
    expect(out.kind).to.equal("loadError");
    if (out.kind !== "loadError") return;
    expect(out.error.message).to.match(/m\.xml:7:\d+: partition b: .*missing\.elf: guest image not found/);
  });

  it("reports every configuration problem and runs nothing", () => {
    const file = join(dir, "m.xml");
    writeFileSync(file, MODULE("a.elf", "b.elf").replace('WindowStartSeconds="0.0000015"', 'WindowStartSeconds="0.0000019"'));
    let ran = false;
    const builders: VmBuilders = { PV: (...a) => ((ran = true), echoVm(...a)), FV: (...a) => ((ran = true), echoVm(...a)) };
    const out = runModule({ file, host: NODE_HOST, length: { kind: "frames", count: 1 }, builders: () => builders, trace: new MemoryTracer(), onConsoleLine: () => undefined });
    expect(out.kind).to.equal("invalid");
    if (out.kind === "invalid") expect(out.diagnostics.length).to.be.greaterThan(0);
    expect(ran).to.equal(false);
  });
  it("a run reporting progress is cut at frame boundaries and prints exactly what one call prints, partial lines included", () => {
    const file = join(dir, "m.xml");
    writeFileSync(file, MODULE("a.elf", "b.elf"));
    // Each slice prints a fragment; a line ends only every third slice, so lines straddle frame boundaries.
    let n = 0;
    const partialVm: VmBuilder = (p: PartitionConfig, _images, console): PartitionVm => ({
      run(budget: number, now: Nanos): VmSlice {
        n++;
        console(Buffer.from(`${p.name}@${now}${n % 3 === 0 ? "\n" : " "}`));
        return { exit: { kind: "budget" }, cycles: budget };
      },
      restart: () => undefined,
      instructionBytes: () => new Uint8Array(0),
    });
    const run = (progress: boolean): { lines: string[]; events: string; reports: bigint[] } => {
      n = 0;
      const lines: string[] = [];
      const reports: bigint[] = [];
      const tracer = new MemoryTracer();
      runModule({
        file,
        host: NODE_HOST,
        length: { kind: "frames", count: 7 },
        builders: () => ({ PV: partialVm, FV: partialVm }),
        trace: tracer,
        onConsoleLine: (name, l) => lines.push(`${name}: ${l}`),
        ...(progress ? { onProgress: (r: RunProgress) => reports.push(r.time) } : {}),
      });
      return { lines, events: JSON.stringify(tracer.events, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), reports };
    };
    const whole = run(false);
    const pieces = run(true);
    expect(pieces.reports).to.deep.equal([2000n, 4000n, 6000n, 8000n, 10000n, 12000n, 14000n]);
    expect(whole.lines.length).to.be.greaterThan(3);
    expect(pieces.lines).to.deep.equal(whole.lines);
    expect(pieces.events).to.equal(whole.events);
  });
});

describe("kernel/cli/commands/run consoleProblem", () => {
  it("accepts an FV partition and explains a PV or unknown one", async () => {
    const { consoleProblem } = await import("../../../kernel/cli/commands/run");
    const { partition, systemConfig } = await import("../../support/config-fixtures");
    const pv = partition(1);
    const fv = { ...partition(2), guest: { ...partition(2).guest, kind: "FV" as const } };
    const config = systemConfig({ partitions: [pv, fv] });
    expect(consoleProblem(config, "P2")).to.equal(undefined);
    expect(consoleProblem(config, "P1")).to.match(/only full-virtualized \(FV\) partitions have a COM1.*P1 is PV/);
    expect(consoleProblem(config, "X")).to.match(/no partition of that name \(partitions: P1, P2\)/);
  });
});
