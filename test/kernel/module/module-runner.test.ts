import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import type { CpuExit } from "../../../kernel/cpu/exit";
import { nanos, type Nanos, type PartitionId } from "../../../kernel/mem/types";
import { ModuleRunner } from "../../../kernel/module/module-runner";
import type { KernelApi, PartitionVm, ServiceResult, VmSlice } from "../../../kernel/module/partition-vm";
import { MemoryTracer } from "../../../kernel/trace/tracer";
import { moduleSchedule, partition, systemConfig, type WindowSpec } from "../../support/config-fixtures";

/** A synthetic VM: "executes" cycles and follows a script of exits keyed by the cycle they happen at. */
class ScriptedVm implements PartitionVm {
  ran = 0;
  restarts: string[] = [];
  calls: Nanos[] = [];
  constructor(
    private readonly script: Map<number, CpuExit> = new Map(),
    private readonly onCall?: (k: KernelApi) => ServiceResult,
    private readonly console?: (b: Uint8Array) => void,
  ) {}
  run(budget: number, now: Nanos): VmSlice {
    this.calls.push(now);
    for (let i = 0; i < budget; i++) {
      this.ran++;
      const exit = this.script.get(this.ran);
      if (exit !== undefined) return { exit, cycles: i + 1 };
    }
    return { exit: { kind: "budget" }, cycles: budget };
  }
  restart(mode: "COLD_START" | "WARM_START"): void {
    this.restarts.push(mode);
    this.ran = 0;
  }
  instructionBytes(): Uint8Array {
    return Uint8Array.of(0xfa); // cli: a privileged instruction
  }
  serviceHypercall(_vector: number, kernel: KernelApi): ServiceResult {
    this.console?.(Buffer.from(`call at ${kernel.now}\n`));
    return this.onCall ? this.onCall(kernel) : { kind: "resume", cycles: 0 };
  }
}

function setup(windows: readonly WindowSpec[], vms: Map<number, ScriptedVm>, majorFrame = 1000) {
  const parts = [...vms.keys()].map((id) => partition(id));
  const config = systemConfig({ partitions: parts, schedules: [moduleSchedule({ majorFrame, windows })] });
  const tracer = new MemoryTracer();
  const lines: string[] = [];
  const runner = new ModuleRunner({
    config,
    createVm: (p: PartitionConfig, console) => {
      const vm = vms.get(p.id);
      if (vm === undefined) throw new Error("no vm");
      (vm as unknown as { console?: (b: Uint8Array) => void }).console = console;
      return vm;
    },
    trace: tracer,
    onConsoleLine: (p: PartitionId, line: string) => lines.push(`${p}: ${line}`),
  });
  return { runner, tracer, lines };
}

describe("kernel/module/module-runner", () => {
  it("gives each partition exactly its windows' cycles, frame after frame (100 MHz: 10 ns a cycle)", () => {
    const a = new ScriptedVm();
    const b = new ScriptedVm();
    const { runner, tracer } = setup([[1, 0, 300], [2, 400, 500]], new Map([[1, a], [2, b]]));
    const r = runner.runUntil(nanos(10_000));
    expect(a.ran).to.equal(10 * 30);
    expect(b.ran).to.equal(10 * 50);
    expect(r.partitions.map((p) => p.windows)).to.deep.equal([10, 10]);
    const starts = tracer.events.filter((e) => e.kind === "windowStart").slice(0, 4).map((e) => [e.partition, e.time]);
    expect(starts).to.deep.equal([[1, 0n], [2, 400n], [1, 1000n], [2, 1400n]]);
    const idle = tracer.events.filter((e) => e.kind === "idle").slice(0, 2).map((e) => e.time);
    expect(idle).to.deep.equal([300n, 900n]);
  });

  it("stops a run mid-window and continues it exactly on the next call", () => {
    const a = new ScriptedVm();
    const { runner } = setup([[1, 0, 1000]], new Map([[1, a]]));
    runner.runUntil(nanos(250));
    expect(a.ran).to.equal(25);
    runner.runUntil(nanos(2000));
    expect(a.ran).to.equal(200);
  });

  it("sends a privileged-instruction fault to the HM (default during init: IDLE); the other partition keeps its windows", () => {
    const bad = new ScriptedVm(new Map([[5, { kind: "fault", vector: 13, errorCode: 0, eip: 0x1000, cr2: undefined }]]));
    const good = new ScriptedVm();
    const { runner, tracer } = setup([[1, 0, 500], [2, 500, 500]], new Map([[1, bad], [2, good]]));
    const r = runner.runUntil(nanos(3000));
    expect(good.ran).to.equal(150);
    const hm = tracer.events.filter((e) => e.kind === "hmEvent");
    expect(hm.length).to.equal(1);
    expect(hm[0]).to.include({ errorCode: "ILLEGAL_REQUEST", time: 50n, action: "PARTITION:IDLE" });
    expect(bad.ran).to.equal(5);
    expect(r.partitions[0]?.mode).to.equal("IDLE");
    expect(r.hmLog[0]?.message).to.match(/privilegedInstruction: vector 13/);
    const ends = tracer.events.filter((e) => e.kind === "windowEnd").map((e) => e.time);
    expect(ends).to.deep.equal([500n, 1000n, 1500n, 2000n, 2500n, 3000n]);
  });

  it("cold-starts a NORMAL partition that faults (default action), and it runs again in its next window", () => {
    const vm = new ScriptedVm(new Map([
      [5, { kind: "hypercall", vector: 0x82 }],
      [20, { kind: "fault", vector: 14, errorCode: 6, eip: 0x2000, cr2: 0xdead0000 }],
    ]), (k) => {
      expect(k.setPartitionMode(3)).to.equal(0);
      return { kind: "resume", cycles: 0 };
    });
    const { runner, tracer } = setup([[1, 0, 500]], new Map([[1, vm]]));
    const r = runner.runUntil(nanos(1100));
    expect(vm.restarts).to.deep.equal(["COLD_START"]);
    expect(r.hmLog[0]).to.include({ errorCode: "MEMORY_VIOLATION", action: "PARTITION:COLD_START" });
    expect(r.hmLog[0]?.message).to.match(/cr2 0xdead0000/);
    const modes = tracer.events.flatMap((e) => (e.kind === "modeChange" ? [`${e.time}:${e.to}:${e.startCondition}`] : []));
    expect(modes).to.deep.equal(["50:NORMAL:NORMAL_START", "200:COLD_START:HM_PARTITION_RESTART", "1050:NORMAL:HM_PARTITION_RESTART"]);
    // After the restart the partition waits for its next window (1000 ns) and starts over.
    expect(vm.calls.map(Number)).to.deep.equal([0, 50, 1000, 1050]);
  });

  it("hands services a KernelApi whose live fields are prototype getters (own getters put V8 in slow dictionary mode) reading the time of the call", () => {
    const seen: { api: KernelApi; now: Nanos; nowNs: number | undefined }[] = [];
    const vm = new ScriptedVm(new Map([[5, { kind: "hypercall", vector: 0x82 }], [9, { kind: "hypercall", vector: 0x82 }]]), (k) => {
      seen.push({ api: k, now: k.now, nowNs: k.nowNs });
      return { kind: "resume", cycles: 0 };
    });
    const { runner } = setup([[1, 0, 500]], new Map([[1, vm]]));
    runner.runUntil(nanos(200));
    expect(seen.map((c) => [c.now, c.nowNs])).to.deep.equal([[50n, 50], [90n, 90]]);
    const api = seen[0]?.api;
    expect(seen[1]?.api, "one object per partition").to.equal(api);
    const own = Object.getOwnPropertyDescriptors(api);
    expect(Object.entries(own).filter(([, d]) => d.get !== undefined).map(([k]) => k)).to.deep.equal([]);
    expect(api?.mode.mode).to.equal("COLD_START");
    expect(api?.timing.period).to.equal(1000n);
  });

  it("applies SET_PARTITION_MODE(IDLE) after the call returns and runs the partition no more", () => {
    const vm = new ScriptedVm(new Map([[10, { kind: "hypercall", vector: 0x82 }]]), (k) => {
      expect(k.setPartitionMode(0)).to.equal(0);
      return { kind: "resume", cycles: 0 };
    });
    const { runner, tracer, lines } = setup([[1, 0, 1000]], new Map([[1, vm]]));
    const r = runner.runUntil(nanos(5000));
    expect(vm.ran).to.equal(10);
    expect(r.partitions[0]?.mode).to.equal("IDLE");
    expect(lines).to.deep.equal(["1: call at 100"]);
    expect(tracer.events.filter((e) => e.kind === "modeChange").map((e) => e.kind === "modeChange" && e.to)).to.deep.equal(["IDLE"]);
  });

  it("applies a system partition's SET_PARTITION_MODE_OF to the target once the call returns", () => {
    const answers: unknown[] = [];
    const sys = new ScriptedVm(new Map([[10, { kind: "hypercall", vector: 0x82 }]]), (k) => {
      answers.push(k.setPartitionModeOf(9, 0), k.setPartitionModeOf(2, 7), k.setPartitionModeOf(2, 0));
      return { kind: "resume", cycles: 0 };
    });
    const other = new ScriptedVm();
    const { runner, tracer } = setup([[1, 0, 300], [2, 400, 500]], new Map([[1, sys], [2, other]]));
    const r = runner.runUntil(nanos(3000));
    expect(answers).to.deep.equal(["unknownPartition", 3, 0]);
    expect(r.partitions.map((p) => p.mode)).to.deep.equal(["COLD_START", "IDLE"]);
    expect(other.ran, "the target never runs once IDLE").to.equal(0);
    expect(tracer.events.flatMap((e) => (e.kind === "modeChange" ? [`${e.time}:${e.partition}:${e.to}`] : []))).to.deep.equal(["100:2:IDLE"]);
  });

  it("keeps a partition's logbook messages across its restart (the logbook must be created again)", () => {
    const seen: string[] = [];
    const req = { name: "lb", maxMessageSize: 8, maxNbLogged: 4, maxNbInProgress: 1 };
    const vm = new ScriptedVm(new Map([[5, { kind: "hypercall", vector: 0x82 }]]), (k) => {
      const created = k.logbooks.create(req);
      seen.push(created.outcome);
      const id = "id" in created ? created.id : 0;
      if (seen.length === 1) {
        k.logbooks.write(id, Uint8Array.of(42));
        k.setPartitionMode(1); // COLD_START: the partition restarts when the call returns
      } else seen.push(`message ${k.logbooks.read(id, 1).message?.[0]}`);
      return { kind: "resume", cycles: 0 };
    });
    const config = systemConfig({
      partitions: [partition(1)],
      schedules: [moduleSchedule({ majorFrame: 1000n, windows: [[1, 0, 1000]] })],
      logbooks: [{ name: "lb", owner: partition(1).id, maxNbLogged: 4, maxNbInProgress: 1, pos: { file: "m.xml", line: 1, column: 1 } }],
    });
    const runner = new ModuleRunner({ config, createVm: () => vm, trace: new MemoryTracer(), onConsoleLine: () => undefined });
    runner.runUntil(nanos(3000));
    expect(vm.restarts).to.deep.equal(["COLD_START"]);
    expect(seen).to.deep.equal(["ok", "ok", "message 42"]);
  });

  it("lets a partition sleep and charges service cycles to its own window", () => {
    const vm = new ScriptedVm(new Map([[10, { kind: "hypercall", vector: 0x82 }]]), () => ({ kind: "sleepUntil", time: nanos(600), cycles: 0 }));
    const { runner } = setup([[1, 0, 1000]], new Map([[1, vm]]));
    runner.runUntil(nanos(1000));
    // 10 cycles to 100 ns, asleep until 600 ns, then 40 more cycles to the window end.
    expect(vm.ran).to.equal(50);
    expect(vm.calls.map(Number)).to.deep.equal([0, 600]);
  });

  it("turns a module-level error (a triple fault during partition init, classified MODULE) into the module action (SHUTDOWN ends the run)", () => {
    const vm = new ScriptedVm(new Map([[3, { kind: "tripleFault" }]]));
    const parts = [partition(1)];
    const config = systemConfig({
      partitions: parts,
      schedules: [moduleSchedule({ majorFrame: 1000, windows: [[1, 0, 1000]] })],
      systemHm: [{ systemState: 4, errorId: 7, level: "MODULE", errorCode: "HARDWARE_FAULT", pos: parts[0]!.pos }],
      moduleHm: [{ systemState: 4, errorId: 7, action: "SHUTDOWN", pos: parts[0]!.pos }],
    });
    const runner = new ModuleRunner({ config, createVm: () => vm, trace: new MemoryTracer(), onConsoleLine: () => undefined });
    const r = runner.runUntil(nanos(10_000));
    expect(r.hmLog[0]).to.include({ level: "MODULE", action: "MODULE:SHUTDOWN", errorId: 7 });
    expect(r.end).to.deep.equal({ kind: "shutdown", time: 30n, reason: "HARDWARE_FAULT in partition P1" });
    expect(r.time).to.equal(30n);
  });

  it("keeps time in exact numbers: a run end beyond 2^53 ns is refused, one just below it runs to the ns", () => {
    const { runner } = setup([[1, 0, 600], [2, 600, 400]], new Map([[1, new ScriptedVm()], [2, new ScriptedVm()]]));
    expect(() => runner.runUntil(nanos(2n ** 53n))).to.throw(RangeError, /2\^53/);
    const r = runner.runUntil(nanos(2_600));
    expect(r.time).to.equal(nanos(2_600));
    expect(r.partitions.map((p) => p.cyclesOffered)).to.deep.equal([180, 80]);
  });
});
