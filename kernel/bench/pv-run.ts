// Runs the call-path guest (partitions/bench/callpaths.c) as one PV partition on the kernel itself:
// createPvVm under the ModuleRunner, with the real dispatcher, resolver, ports and service costs. Counts
// guest instructions, modeled cycles (guest cycles plus the cycles the kernel charges for each service)
// and host time from the start of a window to the guest's final window_yield. Decides no statistics.
import type { PartitionConfig, SystemConfig } from "../config/model";
import { ServiceId } from "../hypercall/generated/abi-generated";
import type { PvMachine } from "../pv/pv-machine";
import { readElfTables } from "../loader/elf32-sections";
import { readGuestU32, writeGuestU32 } from "../mem/guest-access";
import { guestVirt, nanos, type Nanos } from "../mem/types";
import { ModuleRunner } from "../module/module-runner";
import type { KernelApi, PartitionVm, ServiceResult, VmSlice } from "../module/partition-vm";
import { createPvVm, pvMachineOf } from "../pv/pv-vm";
import { NULL_SINK } from "../trace/tracer";
import { benchModule, benchPartition, BENCH_POS } from "./bench-config";

/** One window per run: long enough for the longest timed loop (about 0.3 s of virtual time). */
const WINDOW_NS = 2_000_000_000n;
/** Warm-up windows at most before runWarmCalls' timed one. */
const MAX_WARM_WINDOWS = 8;
/** The port the sampling loop writes (callpaths.c creates it with this name and size). */
const PORT_NAME = "BENCH_OUT";
const PORT_BYTES = 8;

/** The guest's operations (partitions/bench/callpaths.c OP_*). */
export enum CallOp {
  Empty = 0,
  Direct = 1,
  TimeGet = 2,
  Sampling = 3,
  TrapNull = 4,
}

/** One call-path image and how it reaches libpv: through the jump table, or not at all (trap, linked). */
export interface CallImage {
  readonly bytes: Uint8Array;
  readonly path: string;
  readonly jumpTable: boolean;
  /** The libpv every PV partition maps (build/guests/paravirt-abi/libpv/libpv-O2.elf). */
  readonly libpv: Uint8Array;
}

/** Counts of one run, from the start of the guest's window to its final window_yield. */
export interface RunCount {
  readonly instructions: number;
  /** Guest CPU cycles plus the service cycles the kernel charged (window_yield's own excluded). */
  readonly cycles: number;
  /** Of `cycles`, those the kernel charged for services. */
  readonly serviceCycles: number;
  readonly hostNs: number;
  /** Resolve traps served. */
  readonly resolves: number;
  /** Blocks the vCPU made during the run, compiled or taken from the process's templates (0 once its code and
   * profile have settled). */
  readonly newBlocks: number;
}

/** The bench partition: one SOURCE sampling port BENCH_OUT of 8 bytes, the binding the image needs. */
export function benchPartitionConfig(image: CallImage, eager: boolean): PartitionConfig {
  const binding = !image.jumpTable ? "trap" : eager ? "jumptable-eager" : "jumptable";
  const port = { kind: "sampling", name: PORT_NAME, direction: "SOURCE", maxMessageSize: PORT_BYTES, refreshPeriod: nanos(1_000_000_000n), pos: BENCH_POS } as const;
  return benchPartition(1, { binding, image: image.path }, [port]);
}

/** Runs `op` `calls` times in a fresh partition. */
export function runCallGuest(image: CallImage, op: CallOp, calls: number, eager: boolean): RunCount {
  const [only] = runWindows(image, op, calls, eager, () => false);
  if (only === undefined) throw new Error("call-path run recorded nothing");
  return only;
}

/** `calls` calls in a warm partition: windows that run them, each restarted at the entry, until one makes no new
 * block (the host JIT and the CPU's block compiler are done: the vCPU's profile settles over the first windows,
 * and each decision it makes installs a block the host JIT then warms up), at most MAX_WARM_WINDOWS; the window
 * after that one is returned. Host time is then the calls' own. */
export function runWarmCalls(image: CallImage, op: CallOp, calls: number): RunCount {
  const counts = runWindows(image, op, calls, false, (done) => {
    const warm = done[done.length - 2];
    return warm === undefined || (warm.newBlocks > 0 && done.length <= MAX_WARM_WINDOWS);
  });
  const timed = counts[counts.length - 1];
  if (timed === undefined || counts.length < 2) throw new Error("call-path run recorded no window after its warm-up");
  return timed;
}

/**
 * Times a one-call run `reps` times in one warm partition: before each window after the first, the
 * guest restarts at its entry with its slots as loaded (unbound again when lazy), so that the host time
 * is the call and its resolution, not block compilation.
 */
export function timeWarmFirstCalls(image: CallImage, op: CallOp, eager: boolean, reps: number): number[] {
  return runWindows(image, op, 1, eager, (done) => done.length < reps + 1)
    .slice(1)
    .map((r) => r.hostNs);
}

/** Runs windows of `calls` calls while `more` asks for another after the ones done. */
function runWindows(image: CallImage, op: CallOp, calls: number, eager: boolean, more: (done: readonly RunCount[]) => boolean): RunCount[] {
  const p = benchPartitionConfig(image, eager);
  const config: SystemConfig = benchModule([p], WINDOW_NS);
  let vm: CountingVm | undefined;
  const runner = new ModuleRunner({
    config,
    createVm: (part) => {
      const inner = createPvVm({ partition: part, config, console: () => undefined, clockHz: config.ext.clockHz, libpvImage: image.libpv, image: image.bytes, imagePath: image.path });
      vm = new CountingVm(inner, image.bytes, op, calls);
      return vm;
    },
    trace: NULL_SINK,
    onConsoleLine: () => undefined,
  });
  for (let windows = 1; ; windows++) {
    const result = runner.runUntil(nanos(WINDOW_NS * BigInt(windows)) as Nanos);
    if (vm === undefined) throw new Error("the module runner built no VM");
    if (result.hmLog.length > 0) throw new Error(`call-path guest op ${op}: health monitor: ${result.hmLog.map((e) => JSON.stringify(e)).join("; ")}`);
    if (vm.counts.length !== windows) throw new Error(`call-path guest op ${op}: ${vm.counts.length} of ${windows} windows ended in window_yield`);
    if (!more(vm.counts)) return vm.counts;
  }
}

function symbols(bytes: Uint8Array): ReadonlyMap<string, number> {
  const t = readElfTables(bytes);
  if (!t.ok) throw new Error(`call-path image: ${t.message}`);
  return t.tables.symbols;
}

function symbol(table: ReadonlyMap<string, number>, name: string): number {
  const v = table.get(name);
  if (v === undefined) throw new Error(`call-path image has no symbol ${name}`);
  return v;
}

function w32(m: PvMachine, at: number, value: number): void {
  if (!writeGuestU32(m.cpu, guestVirt(at), value, { user: false }).ok) throw new Error(`call-path guest: 0x${at.toString(16)} is not writable`);
}

function r32(m: PvMachine, at: number): number {
  const r = readGuestU32(m.cpu, guestVirt(at), { user: false });
  if (!r.ok) throw new Error(`call-path guest: 0x${at.toString(16)} is not readable`);
  return r.value;
}

/**
 * The kernel's PV VM with counters around it: what the runner charges for each service, resolve
 * traps, and a snapshot at the final window_yield. Restores the entry state at each later window.
 */
class CountingVm implements PartitionVm {
  readonly counts: RunCount[] = [];
  private readonly m: PvMachine;
  private readonly params: number;
  private readonly entry: { eip: number; esp: number; eax: number; ebx: number; eflags: number };
  private readonly slots: { at: number; value: number }[] = [];
  private started = false;
  private i0 = 0;
  private c0 = 0;
  private b0 = 0;
  private t0 = 0n;
  private service = 0;
  private resolves = 0;

  constructor(
    private readonly inner: PartitionVm,
    bytes: Uint8Array,
    private readonly op: CallOp,
    calls: number,
  ) {
    const m = pvMachineOf(inner);
    if (m === undefined) throw new Error("createPvVm built no PV machine");
    this.m = m;
    const syms = symbols(bytes);
    this.params = symbol(syms, "bench_params");
    w32(m, this.params, op);
    w32(m, this.params + 4, calls);
    const jmp = syms.get("__pvext_jmp_start");
    const jmpEnd = syms.get("__pvext_jmp_end");
    if (jmp !== undefined && jmpEnd !== undefined) for (let a = jmp; a < jmpEnd; a += 4) this.slots.push({ at: a, value: r32(m, a) });
    const cpu = m.cpu;
    this.entry = { eip: cpu.eip, esp: cpu.esp, eax: cpu.eax, ebx: cpu.ebx, eflags: cpu.getEflags() };
  }

  beginWindow(start: Nanos, end: Nanos): void {
    if (this.started) this.restartGuest();
    this.started = true;
    this.inner.beginWindow?.(start, end);
    this.service = 0;
    this.resolves = 0;
    this.i0 = this.m.cpu.instructions;
    this.c0 = this.m.cpu.cycles;
    this.b0 = this.m.cpu.compiledBlocks + this.m.cpu.reusedBlocks;
    this.t0 = process.hrtime.bigint();
  }

  /** Back to the entry state: registers as at boot, every slot as loaded. */
  private restartGuest(): void {
    const { m, entry } = this;
    // Only lazy slots change (an eagerly bound table is read-only and stays as loaded).
    for (const s of this.slots) if (r32(m, s.at) !== s.value) w32(m, s.at, s.value);
    m.cpu.eip = entry.eip;
    m.cpu.esp = entry.esp;
    m.cpu.eax = entry.eax;
    m.cpu.ebx = entry.ebx;
    m.cpu.setEflags(entry.eflags);
  }

  run(budget: number, now: Nanos): VmSlice {
    return this.inner.run(budget, now);
  }

  /** Passes the runner's in-place offer on (the kernel's own path), and counts the services served in place. */
  runNs(budget: number, nowNs: number, inPlace?: KernelApi): VmSlice {
    const slice = this.inner.runNs !== undefined ? this.inner.runNs(budget, nowNs, inPlace) : this.inner.run(budget, nanos(nowNs));
    this.service += slice.serviceCycles ?? 0;
    return slice;
  }

  serviceHypercall(vector: number, kernel: KernelApi): ServiceResult {
    if (this.inner.serviceHypercall === undefined) throw new Error("a PV VM without hypercalls");
    const id = this.m.cpu.eax >>> 0;
    const r = this.inner.serviceHypercall(vector, kernel);
    if (id === ServiceId.Resolve) this.resolves++;
    if (r.kind === "resume") this.service += r.cycles;
    if (id === ServiceId.WindowYield && r.kind === "yieldWindow") this.record();
    return r;
  }

  private record(): void {
    const hostNs = Number(process.hrtime.bigint() - this.t0);
    const status = r32(this.m, this.params + 8) | 0;
    if (status !== 0) throw new Error(`call-path guest op ${this.op} returned status ${status}`);
    const cpu = this.m.cpu;
    this.counts.push({ instructions: cpu.instructions - this.i0, cycles: cpu.cycles - this.c0 + this.service, serviceCycles: this.service, hostNs, resolves: this.resolves, newBlocks: cpu.compiledBlocks + cpu.reusedBlocks - this.b0 });
  }

  restart(mode: "COLD_START" | "WARM_START"): void {
    throw new Error(`call-path partition was restarted (${mode}): the health monitor saw a fault`);
  }

  portEvent(): void {
    this.inner.portEvent?.();
  }

  instructionBytes(): Uint8Array {
    return this.inner.instructionBytes();
  }
}
