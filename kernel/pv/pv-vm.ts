// A paravirtualized partition's machine as the module runner drives it: loads and checks the image
// (PartitionLoadError when it cannot run), runs the ring-3 vCPU in slices cut at timer expiries so
// that virtual interrupts are delivered at instruction boundaries, keeps the shared page current and
// serves hypercalls through the paravirt dispatcher. Decisions about modes, HM and ports are the
// runner's (through KernelApi).
import type { PartitionConfig, SystemConfig } from "../config/model";
import type { CpuExit } from "../cpu/exit";
import { NoteFlags, PV_TRAP_VECTOR, StartFlags, Virq, type ServiceId } from "../hypercall/generated/abi-generated";
import { dispatch, permittedById, type DispatchRecord, type PermittedById } from "../hypercall/dispatcher";
import { buildExportLookup, type ExportLookup } from "../hypercall/export-lookup";
import { PV_HANDLERS } from "../hypercall/handlers";
import { permittedServices, schedulePermitted } from "../hypercall/permissions";
import type { IoreqServerPort, PvCallResult, PvVcpuState } from "../hypercall/pv-call";
import type { Cpu } from "../cpu/cpu";
import type { IoreqHub } from "../ioreq/ioreq-hub";
import type { RingMemory } from "../ioreq/ioreq-ring";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { buildPvMachine, placeShared, type PvMachine } from "./pv-machine";
import { sharedMappings, sharedMemoryOf, type SharedBlock, type SharedMapping } from "../mem/shared-memory";
import { advanceTimers, nextExpiry, startTimers, type PvTimers } from "./pv-timers";
import { bindAll } from "../hypercall/resolver";
import { serviceCostById } from "../hypercall/service-costs";
import { isInPlaceService, isQuietService } from "../hypercall/quiet-services";
import { parseLibpv, type LibpvImage } from "../loader/libpv-image";
import { parsePvImage, type PvImage } from "./pv-image";
import { readGuestBytes, writeGuestU32 } from "../mem/guest-access";
import { guestPhys, guestVirt, nanos, type Nanos } from "../mem/types";
import { ModuleClock } from "../module/clock";
import { hmCallbackEntries, type HmCallbackEntries } from "../module/hm-callback-entries";
import { PartitionLoadError } from "../module/load-error";
import { partitionRamBytes, readOnlyRanges, type ReadOnlyRange } from "../module/partition-memory";
import type { ErrorHandlerState, HmCallbackKind, KernelApi, PartitionVm, ServiceResult, VmInternals, VmSlice } from "../module/partition-vm";
import { readFields } from "../snapshot/json-fields";
import { prepareMachine, saveMachine, type Prepared } from "../snapshot/machine-state";
import type { SnapshotMachine } from "../snapshot/snapshot-file";
import { enterCallback, leaveCallback, readSavedContext, savedContextJson, type SavedContext } from "./hm-callback";
import { START_CONDITION_VALUES, type StartCondition } from "../partition/partition-mode";
import { AssignedDevices } from "./assigned-devices";
import { assignableDevice, type AssignableDevice } from "./assignable-devices";

/** What the VM factory passes in. */
export interface PvVmOptions {
  readonly partition: PartitionConfig;
  readonly config: SystemConfig;
  readonly console: (bytes: Uint8Array) => void;
  readonly clockHz: number;
  /** Bytes of build/guests/paravirt-abi/libpv/libpv-O2.elf. */
  readonly libpvImage: Uint8Array;
  readonly image: Uint8Array;
  readonly imagePath: string;
  /** Load-time notices (imports bound to pv_enosys by eager binding). */
  readonly log?: (text: string) => void;
  /** The module's forwarded-device routing, when some FV partition's device is served by a partition. */
  readonly ioreq?: IoreqHub;
}

/** Longest run slice between shared-page time refreshes (keeps time_ns within 10 us at 100 MHz). */
const TIME_REFRESH_CYCLES = 1000;
const NS_PER_S = 1_000_000_000n;
/** Tick period at start: off until the guest calls timer_set_periodic (no configuration option yet). */
const START_TICK_PERIOD = nanos(0);

/** Builds the VM of a PV partition; throws PartitionLoadError for an image that cannot run. */
export function createPvVm(opts: PvVmOptions): PartitionVm {
  const p = opts.partition;
  const refuse = (file: string | undefined, reason: string): PartitionLoadError => new PartitionLoadError(p.name, file, p.guest.pos ?? p.pos, reason);
  const ramBytes = Math.ceil(partitionRamBytes(p) / 4096) * 4096;
  const libpv = parseLibpv(opts.libpvImage);
  if (!libpv.ok) throw refuse(undefined, libpv.message);
  const image = parsePvImage(opts.image, ramBytes);
  if (!image.ok) throw refuse(opts.imagePath, image.error.message);
  const readOnly = readOnlyRanges(p);
  const top = readOnly.find((r) => r.end >= ramBytes);
  if (top !== undefined) throw refuse(undefined, `Memory_Requirements ${top.name} is READ_ONLY at the top of RAM, where the initial stack lies: list a READ_WRITE region after it`);
  const callbacks = hmCallbackEntries(opts.config, p, image.image.symbols, image.image.segments);
  if (typeof callbacks === "string") throw refuse(opts.imagePath, callbacks);
  const permitted = permittedServices(p, opts.config);
  const lookup = buildExportLookup(libpv.image, permitted);
  const eager = p.guest.binding === "jumptable-eager" || (image.image.noteFlags & NoteFlags.BIND_NOW) !== 0;
  if (eager) {
    const known = new Set(libpv.image.exports.map((e) => e.name));
    const missing = image.image.imports.filter((i) => !known.has(i.name)).map((i) => i.name);
    if (missing.length > 0) throw refuse(opts.imagePath, `eager binding: libpv exports none of ${missing.join(", ")}`);
  }
  return new PvVm(opts, ramBytes, image.image, libpv.image, lookup, permitted, eager, callbacks, readOnly);
}

const MAX_NS = BigInt(Number.MAX_SAFE_INTEGER);

const BUDGET: CpuExit = Object.freeze({ kind: "budget" });

/** The handler context of the call in progress: one per VM, refilled by every trap (nothing allocated per call). */
interface CallRecord {
  cpu: Cpu;
  kernel: KernelApi;
  vcpu: PvVcpuState;
  copied: number;
}

/** A mutable VmSlice: the runner reads a slice before it asks for the next one. */
interface SliceRecord {
  exit: CpuExit;
  cycles: number;
  serviceCycles: number;
}

class PvVm implements PartitionVm {
  private machine: PvMachine;
  private vcpu: PvVcpuState;
  private readonly clock: ModuleClock;
  private readonly hz: bigint;
  /** Virtual time last published, in ns (a safe integer: the runner refuses times beyond 2^53 ns). */
  private lastNowNs = 0;
  private lastBigAt = 0;
  private lastBig: Nanos = nanos(0);
  /** The timers object `dueNs` was taken from: the next expiry as a number, made once per timers state (no BigInt per exit). */
  private dueOf: PvTimers | undefined;
  private dueNs = Infinity;
  private windowEnd: Nanos = nanos(0);
  /** windowEnd in ns as a number; -1 when beyond 2^53 ns (then the shared page takes the BigInt path). */
  private windowEndNs = 0;
  /** The context the running HM callback interrupted; undefined when none runs. */
  private callbackSaved: SavedContext | undefined;
  /** Kernel-emulated devices assigned to this partition (apx:Device Assign="true"); undefined when none. */
  private readonly assigned: AssignedDevices | undefined;
  /** `permitted` as a table by service id (the trap path indexes it). */
  private readonly permittedTable: PermittedById;
  /** Reused by every trap and slice (the runner consumes each before the next; nothing is kept). */
  private call: CallRecord | undefined;
  private readonly served: DispatchRecord = { service: undefined };
  private readonly slice: SliceRecord = { exit: { kind: "budget" }, cycles: 0, serviceCycles: 0 };
  private readonly resumed: { kind: "resume"; cycles: number } = { kind: "resume", cycles: 0 };

  constructor(
    private readonly opts: PvVmOptions,
    private readonly ramBytes: number,
    private readonly image: PvImage,
    private readonly libpv: LibpvImage,
    private readonly lookup: ExportLookup,
    permitted: ReadonlySet<ServiceId>,
    private readonly eager: boolean,
    private readonly callbackEntries: HmCallbackEntries,
    private readonly readOnly: readonly ReadOnlyRange[],
  ) {
    this.clock = new ModuleClock(opts.clockHz);
    this.hz = BigInt(opts.clockHz);
    this.assigned = this.buildAssigned();
    this.machine = this.build("NORMAL_START");
    this.vcpu = this.freshVcpu();
    this.permittedTable = permittedById(permitted);
    opts.ioreq?.setWake(opts.partition.id, () => this.machine.shared.raise(Virq.IOREQ), (phys) => this.ringAt(phys));
  }

  /** The assigned devices (the validator has checked each name); their IRQ is the ASSIGNED_IRQ virq. */
  private buildAssigned(): AssignedDevices | undefined {
    const names = this.opts.partition.guest.assigned ?? [];
    if (names.length === 0) return undefined;
    const devices = names.map((a): AssignableDevice => {
      const d = assignableDevice(a.name);
      if (typeof d === "string") throw new Error(`assigned device passed the validator: ${d}`);
      return d;
    });
    return new AssignedDevices(devices, { console: this.opts.console, raiseVirq: () => this.machine.shared.raise(Virq.ASSIGNED_IRQ), now: () => this.lastNow });
  }

  private build(startCondition: StartCondition): PvMachine {
    const p = this.opts.partition;
    const exportNames = new Set(this.libpv.exports.map((e) => e.name));
    const flags = (p.systemPartition ? StartFlags.SYSTEM_PARTITION : 0) | (schedulePermitted(p, this.opts.config) ? StartFlags.SCHEDULE_PERMITTED : 0) | (this.eager ? StartFlags.EAGER_BOUND : 0);
    return buildPvMachine({
      image: this.image,
      libpv: this.libpv,
      ramBytes: this.ramBytes,
      now: this.lastNow,
      shared: this.sharedRegions(),
      readOnly: this.readOnly,
      ...(this.assigned !== undefined ? { assigned: { io: this.assigned.bus, ranges: this.assigned.ranges } } : {}),
      bind: this.eager
        ? (mem) => {
            const { forbidden } = bindAll(mem, this.image, this.lookup, exportNames);
            for (const name of forbidden) this.opts.log?.(`partition ${p.name}: import ${name} is not permitted: bound to pv_enosys`);
          }
        : undefined,
      startInfo: {
        partitionId: p.id,
        flags,
        startCondition: START_CONDITION_VALUES[startCondition],
        ramSize: this.ramBytes,
        // The RTOS allocates upwards from free_base: it starts past every READ_ONLY region.
        freeBase: Math.max(this.image.imageEnd, ...this.readOnly.map((r) => PV_CONSTANTS.IMAGE_BASE + r.end)),
        resolver: this.libpv.resolver,
        libpvSize: this.libpv.size,
        exportTable: this.libpv.exportTable,
        exportCount: this.libpv.exports.length,
        tickPeriod: START_TICK_PERIOD,
        startTime: this.lastNow,
        cpuHz: this.opts.clockHz,
        partitionName: p.name,
        commandLine: p.guest.commandLine,
      },
    });
  }

  /** The partition's shared regions with the module's backing for each (the same bytes for every mapper). */
  private sharedRegions(): { readonly mapping: SharedMapping; readonly block: SharedBlock }[] {
    const shared = sharedMemoryOf(this.opts.config);
    return sharedMappings(this.opts.partition.memory).map((mapping) => ({ mapping, block: shared.block(mapping.name) }));
  }

  private freshVcpu(): PvVcpuState {
    const placed = placeShared(this.sharedRegions());
    return {
      memoryBlocks: sharedMappings(this.opts.partition.memory).map((m, i) => ({ ...m, address: PV_CONSTANTS.SHARED_BASE + (placed[i]?.offset ?? 0) })),
      partition: this.opts.partition,
      image: this.image,
      lookup: this.lookup,
      shared: this.machine.shared,
      console: this.opts.console,
      ramBytes: this.ramBytes,
      timers: startTimers(START_TICK_PERIOD, this.lastNow),
      upcallHandler: 0,
      hmHandler: "none",
      logged: this.vcpu?.logged ?? new Set<string>(),
      ...(this.opts.ioreq?.isServer(this.opts.partition.id) === true ? { ioreq: this.ioreqPort(this.opts.ioreq) } : {}),
    };
  }

  /** The ring page at `phys` of this partition's RAM (checked by ioreq_attach), through whichever machine is current. */
  private ringAt(phys: number): RingMemory {
    return { read32: (off) => this.machine.mem.read(phys + off, 4) >>> 0, write32: (off, v) => this.machine.mem.write(phys + off, 4, v) };
  }

  /** The ioreq services' view of this server: its ring is a page of its RAM, reached physically. */
  private ioreqPort(hub: IoreqHub): IoreqServerPort {
    const id = this.opts.partition.id;
    return {
      attach: (ring) => {
        const { cpu, mem } = this.machine;
        const phys = cpu.probe(ring, true, true);
        if (phys < 0 || !mem.isRam(phys) || !mem.isRam(phys + PV_CONSTANTS.PAGE_SIZE - 1)) return false;
        return hub.attach(id, this.ringAt(phys), phys);
      },
      notify: () => hub.notify(id),
      console: (client, bytes) => hub.clientConsole(id, client, bytes),
      irq: (client, line, level) => hub.setIrq(id, client, line, level),
      disks: {
        info: (client) => hub.disks.info(id, client),
        read: (client, lba, bytes) => hub.disks.read(id, client, lba, bytes),
        write: (client, lba, data) => hub.disks.write(id, client, lba, data),
        flush: (client) => hub.disks.flush(id, client),
      },
    };
  }

  /** lastNowNs as Nanos, the BigInt made once per distinct time. */
  private get lastNow(): Nanos {
    if (this.lastBigAt !== this.lastNowNs) {
      this.lastBig = nanos(this.lastNowNs);
      this.lastBigAt = this.lastNowNs;
    }
    return this.lastBig;
  }

  private set lastNow(t: Nanos) {
    if (t > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`virtual time ${t} ns is beyond 2^53 ns`);
    this.lastNowNs = Number(t);
  }

  run(budget: number, now: Nanos): VmSlice {
    return this.runFrom(budget, Number(now));
  }

  runNs(budget: number, nowNs: number, inPlace?: KernelApi): VmSlice {
    return this.runFrom(budget, nowNs, inPlace);
  }

  /**
   * Both entry points land here (a wrapper may replace either one without looping through the other). `used`
   * counts guest cycles and, from `served`, the cycles of services served in place: time passes over both.
   */
  private runFrom(budget: number, start: number, inPlace?: KernelApi): VmSlice {
    const cpu = this.machine.cpu;
    let used = 0;
    let served = 0;
    for (;;) {
      const t = this.clock.advanceNs(start, used);
      this.syncTime(t);
      const fault = this.deliverUpcall();
      if (fault !== undefined) return this.ended(fault, used, served);
      if (used >= budget) return this.ended(BUDGET, used, served);
      let chunk = Math.min(budget - used, TIME_REFRESH_CYCLES);
      this.refreshDue();
      const due = this.dueNs;
      if (due !== Infinity) chunk = Math.max(1, Math.min(chunk, this.cyclesUntilDue(t, due)));
      const before = cpu.cycles;
      const exit = cpu.run(chunk);
      used += cpu.cycles - before;
      if (exit.kind !== "budget") {
        this.lastNowNs = this.clock.advanceNs(start, used);
        if (exit.kind === "hypercall" && inPlace !== undefined) {
          const cycles = this.serveInPlace(exit.vector, inPlace, budget - used);
          if (cycles >= 0) {
            // The runner would charge them as sleep from the trap and run the partition again from there, in
            // this window (they end before the budget does): the loop's next turn publishes the time at resume.
            used += cycles;
            served += cycles;
            continue;
          }
        }
        return this.ended(exit, used, served);
      }
    }
  }

  private ended(exit: CpuExit, used: number, served: number): VmSlice {
    const s = this.slice;
    s.exit = exit;
    s.cycles = used - served;
    s.serviceCycles = served;
    return s;
  }

  /**
   * Serves the trap the vCPU just exited with, at the trap's time (lastNowNs), when the runner need not see it:
   * an IN_PLACE service the partition may call (a refused one is logged, by the runner's path), whose cycles
   * end before `left` does, on a clock whose cycles each start at their own nanosecond (so charging them here
   * moves time exactly as the runner would). Returns its cycles, else -1 (nothing done: the runner serves it).
   * It answers and costs what serviceHypercall would; quiet, it publishes nothing (the time is published where
   * the guest resumes, as after serviceHypercall) and it has no trace record (the runner offers in-place
   * serving only when no one traces).
   */
  private serveInPlace(vector: number, kernel: KernelApi, left: number): number {
    if (vector !== PV_TRAP_VECTOR || !this.clock.cyclesRoundTrip) return -1;
    const cpu = this.machine.cpu;
    const id = cpu.eax >>> 0;
    if (!isInPlaceService(id) || this.permittedTable[id] !== 1) return -1;
    const cycles = serviceCostById(id, 0);
    if (cycles >= left) return -1;
    const ctx = this.callRecord(cpu, kernel);
    const result = dispatch(ctx, PV_HANDLERS, this.permittedTable, this.served);
    if (result.kind !== "return" || ctx.copied !== 0) throw new Error(`in-place service ${id} did not just return (${result.kind})`);
    cpu.eax = result.value >>> 0;
    return cycles;
  }

  /**
   * Brings `dueNs` up to the vCPU's timers: nextExpiry in ns (Infinity: none; a time beyond 2^53 ns rounds but
   * stays beyond any `t`). Callers read the field after it: a number returned from a call V8 does not inline is
   * boxed, and Infinity (no timer, the common case) would be a heap allocation on every trap.
   */
  private refreshDue(): void {
    const timers = this.vcpu.timers;
    if (timers !== this.dueOf) {
      const d = nextExpiry(timers);
      this.dueNs = d === undefined ? Infinity : Number(d);
      this.dueOf = timers;
    }
  }

  /** cyclesUntil for the number `due` (dueNs); the exact BigInt deadline only when `due` is beyond 2^53 ns. */
  private cyclesUntilDue(t: number, due: number): number {
    if (due <= Number.MAX_SAFE_INTEGER) {
      const c = this.clock.cyclesUntilNs(t, due);
      if (c !== undefined) return c;
    }
    const exact = nextExpiry(this.vcpu.timers);
    if (exact === undefined) throw new Error("timer deadline vanished");
    return this.cyclesUntil(t, exact);
  }

  /** Cycles from `t` until the first cycle boundary at or after `deadline`. */
  private cyclesUntil(t: number, deadline: Nanos): number {
    const d = Number(deadline);
    if (d <= Number.MAX_SAFE_INTEGER) {
      const c = this.clock.cyclesUntilNs(t, d);
      if (c !== undefined) return c;
    }
    return this.cyclesUntilBig(nanos(t), deadline);
  }

  private cyclesUntilBig(t: Nanos, deadline: Nanos): number {
    const ceil = (deadline * this.hz + NS_PER_S - 1n) / NS_PER_S;
    const c = ceil - this.clock.cyclesAt(t);
    return c > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(c);
  }

  /** Fires the timers due by `t` (recorded, never dropped) and publishes `t` in the shared page. */
  private syncTime(t: number): void {
    this.lastNowNs = t;
    const shared = this.machine.shared;
    // Number() of an expiry beyond 2^53 ns rounds but stays beyond t.
    this.refreshDue();
    if (this.dueNs <= t) {
      // Only when a timer fell: the common exit allocates no timer state.
      const r = advanceTimers(this.vcpu.timers, nanos(t));
      this.vcpu.timers = r.timers;
      if (r.ticks > 0) shared.raise(Virq.TICK, r.ticks);
      if (r.oneshot) shared.raise(Virq.ONESHOT);
    }
    const endNs = this.windowEndNs;
    if (endNs >= 0) shared.setTimeNs(t, endNs > t ? endNs : t);
    else shared.setTime(nanos(t), this.windowEnd);
  }

  /** Enters the guest's upcall handler if a virq is pending and unmasked; a bad guest stack is a #PF exit. */
  private deliverUpcall(): CpuExit | undefined {
    const { cpu, shared } = this.machine;
    const handler = this.vcpu.upcallHandler;
    if (handler === 0 || shared.masked || shared.pendingBits === 0) return undefined;
    const esp = cpu.esp >>> 0;
    const eipSlot = guestVirt((esp - 4) >>> 0);
    const flagsSlot = guestVirt((esp - 8) >>> 0);
    const a = writeGuestU32(cpu, eipSlot, cpu.eip, { user: true });
    const b = a.ok ? writeGuestU32(cpu, flagsSlot, cpu.getEflags(), { user: true }) : a;
    if (!b.ok) return { kind: "fault", vector: 14, errorCode: b.fault.errorCode, eip: cpu.eip, cr2: b.fault.address };
    shared.enterUpcall();
    cpu.esp = flagsSlot;
    cpu.eip = handler;
    return undefined;
  }

  serviceHypercall(vector: number, kernel: KernelApi): ServiceResult {
    if (vector !== PV_TRAP_VECTOR) return { kind: "error", fault: "illegalRequest", message: `int 0x${vector.toString(16)} is not the paravirt trap` };
    const t = kernel.nowNs ?? Number(kernel.now);
    const machine = this.machine;
    const timers = this.vcpu.timers;
    const cpu = machine.cpu;
    // The page is published where a service or the guest can see it. A quiet service reads none of it (time,
    // timers, pending bits, guest memory), and the guest sees the page only when it resumes, where runFrom
    // publishes: so a quiet call that resumes publishes once, there. Any other call publishes the trap's time
    // for its handler, and again after it (a one-shot armed in the past becomes pending at once).
    const quiet = isQuietService(cpu.eax >>> 0);
    if (quiet) this.lastNowNs = t;
    else this.syncTime(t);
    const ctx = this.callRecord(cpu, kernel);
    const result = dispatch(ctx, PV_HANDLERS, this.permittedTable, this.served);
    const service = this.served.service;
    const t2 = kernel.nowNs ?? Number(kernel.now);
    const resumes = result.kind === "return" || result.kind === "continue";
    if (!(quiet && resumes && this.machine === machine && this.vcpu.timers === timers && t2 === t)) this.syncTime(t2);
    const cycles = serviceCostById(service === undefined ? -1 : service.id, ctx.copied);
    this.traceCall(kernel, service === undefined ? `#${cpu.eax >>> 0}` : service.name, result);
    switch (result.kind) {
      case "return":
        cpu.eax = result.value >>> 0;
        return this.resume(cycles);
      case "yield":
        cpu.eax = result.value >>> 0;
        return { kind: "yieldWindow", cycles };
      case "idle":
        cpu.eax = 0;
        // Sleeping past the window would also sleep through the next WINDOW_START and PORT events:
        // with no timer due in this window, the rest of it passes idle and the call returns in the next.
        return result.until === undefined || result.until >= this.windowEnd ? { kind: "yieldWindow", cycles } : { kind: "sleepUntil", time: result.until, cycles };
      case "continue":
        return this.resume(cycles);
      case "fault":
        return { kind: "error", fault: result.fault, message: result.message };
      default: {
        const unreachable: never = result;
        throw new Error(`unhandled call result ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The context of this call, in the one record the VM keeps (copied starts at 0). */
  private callRecord(cpu: Cpu, kernel: KernelApi): CallRecord {
    const c = this.call;
    if (c === undefined) return (this.call = { cpu, kernel, vcpu: this.vcpu, copied: 0 });
    c.cpu = cpu;
    c.kernel = kernel;
    c.vcpu = this.vcpu;
    c.copied = 0;
    return c;
  }

  /** "resume" after `cycles` of service, in the record the runner reads before the next trap. */
  private resume(cycles: number): ServiceResult {
    this.resumed.cycles = cycles;
    return this.resumed;
  }

  /** Traces the call with the value EAX will hold (idle returns OK; the resolver continues in the target). */
  private traceCall(kernel: KernelApi, name: string, result: PvCallResult): void {
    switch (result.kind) {
      case "return":
      case "yield":
        kernel.traceHypercall(name, result.value | 0);
        return;
      case "idle":
      case "continue":
        kernel.traceHypercall(name, 0);
        return;
      case "fault":
        kernel.traceHypercall(name, "fault");
        return;
      default: {
        const unreachable: never = result;
        throw new Error(`unhandled call result ${JSON.stringify(unreachable)}`);
      }
    }
  }

  errorHandler(): { readonly state: ErrorHandlerState; readonly deliverable: boolean } {
    const shared = this.machine.shared;
    return { state: this.vcpu.hmHandler, deliverable: this.vcpu.upcallHandler !== 0 && !shared.masked };
  }

  raiseHmUpcall(): void {
    this.machine.shared.raise(Virq.HM);
  }

  hasHmCallback(kind: HmCallbackKind): boolean {
    return this.callbackEntries[kind] !== undefined;
  }

  enterHmCallback(kind: HmCallbackKind, args: readonly number[]): "entered" | "none" | "badStack" {
    const entry = this.callbackEntries[kind];
    if (entry === undefined || this.callbackSaved !== undefined) return "none";
    this.callbackSaved = enterCallback(this.machine.cpu, this.machine.shared, entry, args);
    return this.callbackSaved === undefined ? "badStack" : "entered";
  }

  leaveHmCallback(): void {
    if (this.callbackSaved === undefined) return;
    leaveCallback(this.machine.cpu, this.machine.shared, this.callbackSaved);
    this.callbackSaved = undefined;
  }

  /**
   * COLD_START reloads everything: the image, zeroed RAM, a fresh vCPU, shared page and timers.
   * WARM_START keeps the partition's RAM as it was (code, .data, heap, stacks) and restarts the vCPU at
   * the entry point with fresh start-info, shared page, timers and error-handler state; the guest's
   * startup decides what it re-initializes (the RTOS zeroes .bss and rebuilds its objects, so only
   * application data in .data or the heap survives). The kernel resets ports on either restart.
   */
  restart(mode: "COLD_START" | "WARM_START", startCondition: StartCondition = "PARTITION_RESTART"): void {
    const kept = mode === "WARM_START" ? this.machine.mem.readBytes(guestPhys(0), this.ramBytes) : undefined;
    this.machine = this.build(startCondition);
    this.assigned?.reset();
    this.callbackSaved = undefined;
    if (kept !== undefined) this.machine.mem.writeBytes(guestPhys(0), kept);
    this.vcpu = this.freshVcpu();
  }

  snapshot(): SnapshotMachine {
    const { mem, cpu } = this.machine;
    const t = this.vcpu.timers;
    const ns = (v: Nanos | undefined): string | null => (v === undefined ? null : v.toString());
    const extra = {
      lastNow: ns(this.lastNow),
      windowEnd: ns(this.windowEnd),
      timers: { period: ns(t.period), nextTick: ns(t.nextTick), oneshot: ns(t.oneshot) },
      upcallHandler: this.vcpu.upcallHandler,
      hmHandler: this.vcpu.hmHandler,
      logged: [...this.vcpu.logged].sort(),
      callback: savedContextJson(this.callbackSaved),
    };
    return saveMachine(this.opts.partition.name, "pv", mem, cpu, this.assigned, PV_CONSTANTS.IMAGE_BASE, extra);
  }

  prepareRestore(saved: SnapshotMachine): Prepared {
    const extra = readFields(saved.extra, `machine note ${this.opts.partition.name}`, (f) => {
      const t = f.obj("timers");
      return {
        lastNow: f.nanos("lastNow"),
        windowEnd: f.nanos("windowEnd"),
        timers: { period: t.nanos("period"), nextTick: t.nanosOrNull("nextTick"), oneshot: t.nanosOrNull("oneshot") },
        upcallHandler: f.int("upcallHandler", 0, 0xffffffff),
        hmHandler: f.oneOf("hmHandler", ["none", "ready", "running"] as const),
        logged: f.list("logged", 1024).map((_, i) => String(f.list("logged", 1024)[i]).slice(0, 256)),
        callback: readSavedContext(f.objOrNull("callback")),
      };
    });
    if (!extra.ok) return extra;
    if (extra.value.lastNow > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: `machine note ${this.opts.partition.name}: lastNow is beyond 2^53 ns` };
    const { mem, cpu } = this.machine;
    const prepared = prepareMachine(saved, mem, cpu, this.assigned, () => {
      const e = extra.value;
      this.lastNow = e.lastNow;
      this.setWindowEnd(e.windowEnd);
      this.vcpu.timers = e.timers;
      this.vcpu.upcallHandler = e.upcallHandler;
      this.vcpu.hmHandler = e.hmHandler;
      this.vcpu.logged.clear();
      for (const k of e.logged) this.vcpu.logged.add(k);
      this.callbackSaved = e.callback;
    });
    const assigned = this.assigned;
    if (!prepared.ok || assigned === undefined) return prepared;
    return { ok: true, apply: () => assigned.restoring(prepared.apply) };
  }

  private setWindowEnd(end: Nanos): void {
    this.windowEnd = end;
    this.windowEndNs = end <= MAX_NS ? Number(end) : -1;
  }

  beginWindow(start: Nanos, end: Nanos): void {
    this.setWindowEnd(end);
    this.machine.shared.raise(Virq.WINDOW_START);
    this.syncTime(Number(start));
  }

  portEvent(): void {
    this.machine.shared.raise(Virq.PORT);
  }

  introspect(): VmInternals {
    return { cpu: this.machine.cpu, memory: this.machine.mem, pulseIrq: () => "a PV partition has no interrupt controller: its interrupts are virtual (virq)" };
  }

  instructionBytes(): Uint8Array {
    const cpu = this.machine.cpu;
    const eip = cpu.eip >>> 0;
    for (const len of [15, 4096 - (eip & 4095)]) {
      const r = readGuestBytes(cpu, guestVirt(eip), Math.min(len, 15), { user: true });
      if (r.ok) return r.value;
    }
    return new Uint8Array(0);
  }

  /** The vCPU and memory (tests and diagnostics). */
  get current(): PvMachine {
    return this.machine;
  }
}

/** The machine inside a VM built by createPvVm (tests and diagnostics); undefined for other VMs. */
export function pvMachineOf(vm: PartitionVm): PvMachine | undefined {
  return vm instanceof PvVm ? vm.current : undefined;
}
