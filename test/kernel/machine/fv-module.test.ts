import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import { createFvVm } from "../../../kernel/machine/fv-vm";
import { nanos, type PartitionId } from "../../../kernel/mem/types";
import { ModuleRunner } from "../../../kernel/module/module-runner";
import { MemoryTracer } from "../../../kernel/trace/tracer";
import { moduleSchedule, systemConfig } from "../../support/config-fixtures";
import { fvPartition, fvTestImage } from "./fv-test-image";

/** An FV partition in a 2 ms window every 10 ms, driven by the real module runner. */
function moduleWith(commandLine: string) {
  const p = fvPartition(commandLine);
  const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: 10_000_000, windows: [[1, 0, 2_000_000]] })] });
  const lines: string[] = [];
  const notices: { time: bigint; text: string }[] = [];
  const runner = new ModuleRunner({
    config,
    createVm: (part: PartitionConfig, console) =>
      createFvVm({ partition: part, configDir: ".", console, clockHz: config.ext.clockHz, image: fvTestImage(), imagePath: "fv-test.elf" }),
    trace: new MemoryTracer(),
    onConsoleLine: (_p: PartitionId, line: string) => lines.push(line),
    onNotice: (time, text) => notices.push({ time, text }),
  });
  return { runner, lines, notices };
}

describe("machine/fv-vm in the module runner", function () {
  this.timeout(20_000);

  it("runs an FV kernel in its windows only, ticks coalesced across the gaps, until it powers off with debug-exit", () => {
    const { runner, lines, notices } = moduleWith("ticks=6");
    const r = runner.runUntil(nanos(100_000_000));
    const p = r.partitions[0]!;
    expect(lines).to.include("tick 6");
    expect(p.mode).to.equal("IDLE");
    const stop = notices.find((n) => n.text.includes("stopped itself (debug-exit status 1)"));
    // Two windows of 2 ms hold at most 4 one-millisecond ticks plus one coalesced tick for the gap: the
    // sixth tick needs the third window (20-22 ms), whatever the PIT phase.
    expect(Number(stop?.time)).to.be.within(20_000_000, 22_000_000);
    expect(p.cyclesRun).to.be.below(p.cyclesOffered);
  });

  it("sends a triple fault to the health monitor, which restarts the partition; it boots again", () => {
    const { runner, lines } = moduleWith("triple");
    const r = runner.runUntil(nanos(25_000_000));
    const p = r.partitions[0]!;
    expect(p.restarts).to.equal(3);
    expect(r.hmLog.length).to.equal(3);
    expect(lines.filter((l) => l.startsWith("fv-test: magic")).length).to.equal(3);
  });

  for (const [word, cause] of [["reset8042", "i8042"], ["resetcf9", "0xcf9"]] as const) {
    it(`a guest reset (${word}) restarts the partition (COLD_START) with a notice naming the cause, not the HM`, () => {
      const { runner, lines, notices } = moduleWith(word);
      const r = runner.runUntil(nanos(25_000_000));
      const p = r.partitions[0]!;
      expect(p.restarts).to.equal(3);
      expect(r.hmLog.length).to.equal(0);
      expect(lines.filter((l) => l.startsWith("fv-test: magic")).length).to.equal(3);
      const resets = notices.filter((n) => n.text.includes("reset its machine"));
      expect(resets.length).to.equal(3);
      expect(resets[0]!.text).to.contain(cause).and.to.contain("COLD_START");
    });
  }

  it("an FV `cli; hlt` is reported and the partition is IDLE, not silently NORMAL", () => {
    const { runner, notices } = moduleWith("clihlt");
    const r = runner.runUntil(nanos(30_000_000));
    expect(notices.map((n) => n.text).join("\n")).to.contain("halted with interrupts disabled (cli; hlt)");
    expect(r.partitions[0]!.mode).to.equal("IDLE");
  });
});
