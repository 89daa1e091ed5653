// Quiet calls served inside the PV VM's run slice (PartitionVm.runNs's `inPlace`, pv-vm.ts serveInPlace) must
// leave everything as the runner serving them would: guest results (which hash every time the shared page
// showed), cycles, instructions, partition statistics and virtual time. The guest (hypercall/guests/quiet.c)
// mixes null, virq_kick, abi_version and abi_features traps with masked sections under a periodic tick, in two
// partitions whose windows end mid-loop. Skips without an i386 toolchain.
import { expect } from "chai";
import { benchModule, benchPartition } from "../../../kernel/bench/bench-config";
import type { SystemConfig } from "../../../kernel/config/model";
import { ServiceId } from "../../../kernel/hypercall/generated/abi-generated";
import { serviceCostById } from "../../../kernel/hypercall/service-costs";
import { nanos } from "../../../kernel/mem/types";
import { ModuleRunner, type PartitionStats } from "../../../kernel/module/module-runner";
import type { KernelApi, PartitionVm, VmSlice } from "../../../kernel/module/partition-vm";
import { createPvVm, pvMachineOf } from "../../../kernel/pv/pv-vm";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { MemoryTracer, NULL_SINK } from "../../../kernel/trace/tracer";
import { guestToolchain } from "../../paravirt-abi/lib/build";
import { guestWords, kernelTestGuest, libpvBytes } from "../../support/pv-module";

/** Windows that divide neither the tick period nor a loop pass. */
const WINDOW_NS = 1_234_567;

interface Outcome {
  readonly time: bigint;
  readonly partitions: readonly {
    readonly results: readonly number[];
    readonly cycles: number;
    readonly instructions: number;
    readonly stats: PartitionStats;
  }[];
  readonly hmEvents: number;
}

/** How the runner's offer reaches the VMs: as the runner makes it, or withheld by a wrapper. */
type Offer = "passed" | "withheld";

describe("kernel/pv/pv-vm: quiet calls served in place", function () {
  this.timeout(120_000);
  let guest: NonNullable<ReturnType<typeof kernelTestGuest>>;
  let libpv: Uint8Array;

  before(function () {
    const g = guestToolchain() === null ? null : kernelTestGuest("quiet");
    const l = libpvBytes();
    if (g === null || l === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    guest = g!;
    libpv = l!;
  });

  /** Runs the two-partition module for `ns`; `served` sums the service cycles the VMs reported as served in place. */
  function run(clockHz: number, offer: Offer, traced: boolean, ns: bigint): { outcome: Outcome; served: number; offers: number } {
    const parts = [1, 2].map((id) => benchPartition(id, { image: "quiet.elf" }));
    const base = benchModule(parts, WINDOW_NS);
    const config: SystemConfig = { ...base, ext: { ...base.ext, clockHz } };
    const vms: PartitionVm[] = [];
    let served = 0;
    let offers = 0;
    const runner = new ModuleRunner({
      config,
      createVm: (p) => {
        const vm = createPvVm({ partition: p, config, console: () => undefined, clockHz, libpvImage: libpv, image: guest.bytes, imagePath: "quiet.elf" });
        vms.push(vm);
        const inner = vm.runNs!.bind(vm);
        vm.runNs = (budget: number, nowNs: number, inPlace?: KernelApi) => {
          if (inPlace !== undefined) offers++;
          const slice = inner(budget, nowNs, offer === "passed" ? inPlace : undefined);
          served += slice.serviceCycles ?? 0;
          return slice;
        };
        return vm;
      },
      trace: traced ? new MemoryTracer(new Set<TraceEvent["kind"]>(["hypercall"])) : NULL_SINK,
      onConsoleLine: () => undefined,
    });
    const result = runner.runUntil(nanos(ns));
    const at = guest.symbol("pvtest_results");
    const partitions = vms.map((vm, i) => {
      const cpu = pvMachineOf(vm)!.cpu;
      return { results: guestWords(vm, at, 8), cycles: cpu.cycles, instructions: cpu.instructions, stats: result.partitions[i]! };
    });
    return { outcome: { time: result.time, partitions, hmEvents: result.hmLog.length }, served, offers };
  }

  /** The guest ran its loop, took ticks, and set up without error. */
  function expectBusy(o: Outcome): void {
    for (const p of o.partitions) {
      expect(p.results[6], "register and timer status").to.equal(0);
      expect(p.results[0], "loop passes").to.be.above(1000);
      expect(p.results[2], "upcalls").to.be.above(10);
    }
    expect(o.hmEvents, "HM events").to.equal(0);
  }

  it("leaves results, cycles, statistics and time as the runner does, at 100 MHz", () => {
    const inPlace = run(100_000_000, "passed", false, 8_000_000n);
    const byRunner = run(100_000_000, "withheld", false, 8_000_000n);
    const traced = run(100_000_000, "passed", true, 8_000_000n);
    expectBusy(inPlace.outcome);
    expect(inPlace.served, "virq_kick's cycles, served in place").to.be.above(0);
    expect(byRunner.served).to.equal(0);
    expect(traced.offers, "a traced run offers nothing: each call is traced at the runner's time").to.equal(0);
    expect(inPlace.outcome).to.deep.equal(byRunner.outcome);
    expect(traced.outcome).to.deep.equal(byRunner.outcome);
  });

  it("does the same on a clock that does not divide 1 GHz (3 MHz: the BigInt path of time)", () => {
    const inPlace = run(3_000_000, "passed", false, 250_000_000n);
    const byRunner = run(3_000_000, "withheld", false, 250_000_000n);
    expectBusy(inPlace.outcome);
    expect(inPlace.served).to.be.above(0);
    expect(inPlace.outcome).to.deep.equal(byRunner.outcome);
  });

  /**
   * One VM driven as the runner drives it, at 100 MHz (10 ns a cycle), the runner serving every call the VM hands
   * back, until the first virq_kick trap: the slice that ends there, and the cycles used before it. Each slice's
   * budget ends at `end` cycles; `inPlace` is passed on to runNs.
   */
  function firstKick(end: number, inPlace: boolean): { slice: VmSlice; used: number } {
    const parts = [benchPartition(1, { image: "quiet.elf" })];
    const config = benchModule(parts, 1_000_000_000);
    const vm = createPvVm({ partition: parts[0]!, config, console: () => undefined, clockHz: 100_000_000, libpvImage: libpv, image: guest.bytes, imagePath: "quiet.elf" });
    const cpu = pvMachineOf(vm)!.cpu;
    const api = (t: number): KernelApi => ({ partition: 1, nowNs: t, now: nanos(t), traceHypercall: () => undefined, notice: () => undefined }) as unknown as KernelApi;
    vm.beginWindow!(nanos(0), nanos(1_000_000_000));
    let used = 0;
    for (;;) {
      const slice = vm.runNs!(end - used, used * 10, inPlace ? api(used * 10) : undefined);
      used += slice.cycles + (slice.serviceCycles ?? 0);
      if (slice.exit.kind !== "hypercall" || cpu.eax === ServiceId.VirqKick) return { slice, used };
      const r = vm.serviceHypercall!(slice.exit.vector, api(used * 10));
      if (r.kind !== "resume") throw new Error(`setup call ${cpu.eax} did not resume`);
      used += r.cycles;
    }
  }

  it("hands a call back to the runner when its cycles reach the end of the budget", () => {
    const kick = firstKick(1_000_000, false);
    expect(kick.slice.exit.kind).to.equal("hypercall");
    const cost = serviceCostById(ServiceId.VirqKick, 0);
    const atEnd = firstKick(kick.used + cost, true);
    expect(atEnd.slice.exit.kind, "the runner charges it: it may sleep past the window").to.equal("hypercall");
    expect(atEnd.used).to.equal(kick.used);
    const before = firstKick(kick.used + cost + 1, true);
    expect(before.slice.exit.kind, "served in place, the slice runs on to its budget").to.equal("budget");
    expect(before.slice.serviceCycles).to.equal(cost);
    expect(before.used).to.equal(kick.used + cost + 1);
  });

  it("serves nothing in place where cycles do not each start at their own nanosecond (2 GHz)", () => {
    const offered = run(2_000_000_000, "passed", false, 3_000_000n);
    const byRunner = run(2_000_000_000, "withheld", false, 3_000_000n);
    expectBusy(offered.outcome);
    expect(offered.offers).to.be.above(0);
    expect(offered.served).to.equal(0);
    expect(offered.outcome).to.deep.equal(byRunner.outcome);
  });
});
