// Where a trap publishes the shared page's time: a quiet call that resumes publishes nothing itself (the
// guest sees the page only where it resumes, and runFrom publishes there); a quiet call that does not resume
// leaves the page at the trap's time; any other call publishes the trap's time before its handler and again
// after it, so a one-shot armed in the past is pending when the call returns. Skips without an i386 toolchain.
import { expect } from "chai";
import { benchPartitionConfig } from "../../../kernel/bench/pv-run";
import { benchModule } from "../../../kernel/bench/bench-config";
import type { Cpu } from "../../../kernel/cpu/cpu";
import { PV_TRAP_VECTOR, PvError, ServiceId, Virq } from "../../../kernel/hypercall/generated/abi-generated";
import { PV_CONSTANTS, SHARED_PAGE_LAYOUT } from "../../../kernel/hypercall/generated/abi-layout";
import { writeGuestU32 } from "../../../kernel/mem/guest-access";
import { guestVirt, nanos } from "../../../kernel/mem/types";
import type { KernelApi, PartitionVm } from "../../../kernel/module/partition-vm";
import { createPvVm, pvMachineOf } from "../../../kernel/pv/pv-vm";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";
import { guestWords, libpvBytes } from "../../support/pv-module";

const F = SHARED_PAGE_LAYOUT.fields;
const WINDOW_NS = 1_000_000_000n;

/** What the guest reads: the seqlock count, time_ns (below 2^32 here) and the pending virqs. */
function page(vm: PartitionVm): { seq: number; time: number; pending: number } {
  const word = (offset: number): number => guestWords(vm, PV_CONSTANTS.SHARED_PAGE_VADDR + offset, 1)[0]!;
  return { seq: word(F.time_seq.offset), time: word(F.time_ns.offset), pending: word(F.pending_bitmap.offset) };
}

/** The kernel services the calls below read: the time and the trace. */
function kernelAt(t: number): KernelApi {
  return { partition: 1, nowNs: t, now: nanos(t), traceHypercall: () => undefined, notice: () => undefined } as unknown as KernelApi;
}

describe("kernel/pv/pv-vm: where a trap publishes the time", function () {
  this.timeout(60_000);
  let vm: PartitionVm;
  let cpu: Cpu;

  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  beforeEach(() => {
    const bytes = buildGuest("partitions/bench/guest.json", "callpaths-trap", "O2");
    const libpv = libpvBytes();
    if (bytes === null || libpv === null) throw new Error("no toolchain");
    const image = { bytes, path: "callpaths-trap.elf", jumpTable: false, libpv };
    const config = benchModule([benchPartitionConfig(image, false)], WINDOW_NS);
    const p = config.partitions[0]!;
    vm = createPvVm({ partition: p, config, console: () => undefined, clockHz: config.ext.clockHz, libpvImage: libpv, image: bytes, imagePath: image.path });
    cpu = pvMachineOf(vm)!.cpu;
    vm.beginWindow!(nanos(0), nanos(WINDOW_NS));
  });

  function call(id: ServiceId, t: number): ReturnType<NonNullable<PartitionVm["serviceHypercall"]>> {
    cpu.eax = id;
    return vm.serviceHypercall!(PV_TRAP_VECTOR, kernelAt(t));
  }

  it("publishes nothing at a quiet call that resumes, and the time where the guest resumes", () => {
    const before = page(vm);
    expect(call(ServiceId.Null, 5000).kind).to.equal("resume");
    expect(cpu.eax).to.equal(PvError.OK);
    expect(page(vm), "the page as the guest left it").to.deep.equal(before);
    vm.runNs!(0, 5000); // a slice that runs no instruction: only what runFrom does before the guest runs
    expect(page(vm)).to.deep.include({ seq: before.seq + 2, time: 5000 });
  });

  it("leaves the page at the trap's time after a quiet call that does not resume (window_yield)", () => {
    const before = page(vm);
    expect(call(ServiceId.WindowYield, 7000).kind).to.equal("yieldWindow");
    expect(page(vm)).to.deep.include({ seq: before.seq + 2, time: 7000 });
  });

  it("publishes the trap's time around a loud call: a one-shot armed in the past is pending when it returns", () => {
    const before = page(vm);
    cpu.ebx = 3000; // deadline_ns, low word
    cpu.ecx = 0;
    expect(call(ServiceId.TimerSetOneshot, 9000).kind).to.equal("resume");
    expect(cpu.eax).to.equal(PvError.OK);
    const after = page(vm);
    expect(after.time).to.equal(9000);
    expect(after.seq).to.equal(before.seq + 2);
    expect(after.pending & (1 << Virq.ONESHOT), "ONESHOT pending").to.not.equal(0);
  });

  it("fires the timers due by the trap before a loud handler: idle sees a one-shot that fell due since the last slice", () => {
    // The guest has taken WINDOW_START: nothing pending.
    expect(writeGuestU32(cpu, guestVirt(PV_CONSTANTS.SHARED_PAGE_VADDR + F.pending_bitmap.offset), 0, { user: false }).ok).to.equal(true);
    cpu.ebx = 3000;
    cpu.ecx = 0;
    expect(call(ServiceId.TimerSetOneshot, 1000).kind, "armed in the future").to.equal("resume");
    expect(page(vm).pending & (1 << Virq.ONESHOT)).to.equal(0);
    expect(call(ServiceId.Idle, 4000).kind, "a virq is pending: idle returns at once").to.equal("resume");
  });
});
