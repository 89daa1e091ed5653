import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import { createFvVm } from "../../../kernel/machine/fv-vm";
import { nanos, partitionId, type PartitionId } from "../../../kernel/mem/types";
import { ModuleRunner } from "../../../kernel/module/module-runner";
import { IRQ_TIMER_FLOOR_NS } from "../../../kernel/devices/timer-coalescing";
import { MemoryTracer } from "../../../kernel/trace/tracer";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { moduleSchedule, systemConfig } from "../../support/config-fixtures";
import { fvPartition, fvTestImage } from "./fv-test-image";

/** Issue 15 finding 9: an FV guest with the local APIC timer and the PIT at count 1 beside a 1 kHz guest. */
const WINDOW_NS = 2_000_000;
const RUN_NS = 24_000_000;

function run(first: string): { lines: Map<PartitionId, string[]>; edges: string[]; instructions: number } {
  const a = { ...fvPartition(first), id: partitionId(1), name: "A" };
  const b = { ...fvPartition("ticks=8"), id: partitionId(2), name: "B" };
  const config = systemConfig({ partitions: [a, b], schedules: [moduleSchedule({ majorFrame: 2 * WINDOW_NS, windows: [[1, 0, WINDOW_NS], [2, WINDOW_NS, WINDOW_NS]] })] });
  const lines = new Map<PartitionId, string[]>([[a.id, []], [b.id, []]]);
  const trace = new MemoryTracer(new Set<TraceEvent["kind"]>(["windowStart", "windowEnd"]));
  let instructions = 0;
  const vms: { cpuInstructions: () => number }[] = [];
  const runner = new ModuleRunner({
    config,
    createVm: (part: PartitionConfig, console) => {
      const vm = createFvVm({ partition: part, configDir: ".", console, clockHz: config.ext.clockHz, image: fvTestImage(), imagePath: "fv-test.elf" });
      if (part.id === a.id) vms.push({ cpuInstructions: () => vm.introspect?.().cpu.instructions ?? 0 });
      return vm;
    },
    trace,
    onConsoleLine: (p: PartitionId, line: string) => lines.get(p)?.push(line),
  });
  runner.runUntil(nanos(RUN_NS));
  instructions = vms[0]?.cpuInstructions() ?? 0;
  const edges = trace.events.filter((e) => "partition" in e && e.partition === b.id).map((e) => `${e.kind}@${e.time}`);
  return { lines, edges, instructions };
}

describe("machine: interrupt storms are coalesced (timer-coalescing.ts)", function () {
  this.timeout(120_000);

  it("a storm guest leaves its neighbour's output and window edges unchanged, and its own interrupt rate is bounded by the floor", () => {
    const quiet = run("clihlt");
    const storm = run("storm");
    const b = partitionId(2);
    expect(storm.lines.get(b)).to.deep.equal(quiet.lines.get(b));
    expect(storm.lines.get(b)).to.include("tick 8");
    expect(storm.edges).to.deep.equal(quiet.edges);
    expect(storm.edges.length).to.be.above(10);
    const reports = (storm.lines.get(partitionId(1)) ?? []).filter((l) => l.startsWith("storm "));
    expect(reports.length, "the storm guest reports its tick counts").to.be.above(0);
    const last = reports[reports.length - 1] ?? "";
    const m = /^storm apic=(\d+) pit=(\d+)$/.exec(last);
    expect(m, last).to.not.equal(null);
    // Partition A ran at most RUN_NS / 2 of virtual time: at most one delivered expiry per floor per timer.
    const bound = Number(BigInt(RUN_NS / 2) / IRQ_TIMER_FLOOR_NS) + 2;
    const apic = Number(m?.[1]);
    const pit = Number(m?.[2]);
    expect(apic).to.be.within(bound / 4, bound);
    expect(pit).to.be.within(bound / 4, bound);
    // Host time is bounded through the work done: the guest still gets most of its window for its own
    // instructions (at 100 MHz, 12 ms of windows are 1.2e6 cycles).
    expect(storm.instructions).to.be.above(400_000);
  });
});
