// The module runner: the thin shell around the pure cores. It walks virtual time window by window
// (kernel/sched), runs each window's partition VM for exactly the window's cycles, and handles every
// VM exit in one exhaustive switch: services, faults to the health monitor, mode changes, trace.
import type { ErrorCode, InjectedError, PartitionConfig, PortConfig, SystemConfig } from "../config/model";
import { compileHmTables, decideHm, describeAction, type HmDecision, type HmError, type HmTables } from "../health/hm-decision";
import { HmLog, type HmLogEntry } from "../health/hm-log";
import { ERROR_CODE_VALUES, partitionSystemState, type KernelFault, type PartitionContext } from "../health/system-state";
import { nanos, type Nanos, type PartitionId } from "../mem/types";
import {
  applyPartitionAction,
  moduleStartState,
  OPERATING_MODE_VALUES,
  setPartitionMode,
  type ModeTransition,
  type OperatingMode,
  type PartitionModeState,
} from "../partition/partition-mode";
import { LogbookStore } from "../logbook/logbook-store";
import { PortRouter } from "../ports/port-router";
import type { PortId } from "../ports/port-table";
import { toReturnCode, type ReturnCode, type ServiceOutcome } from "../ports/return-codes";
import {
  buildScheduleSet,
  decideModule,
  initialScheduleState,
  requestScheduleChange,
  scheduleIdByName,
  scheduleStatus,
  type ScheduleSet,
  type ScheduleState,
} from "../sched/module-schedules";
import { encodeRunnerState, parseRunnerState, type RunnerState } from "../snapshot/kernel-codec";
import { sharedMemoryOf } from "../mem/shared-memory";
import type { Prepared } from "../snapshot/machine-state";
import type { Json, SnapshotMachine } from "../snapshot/snapshot-file";
import type { PortEventKind } from "../trace/trace-event";
import { NULL_SINK, type TraceSink } from "../trace/tracer";
import { DEBUG_STOP } from "../introspect/debugger";
import { ModuleClock } from "./clock";
import { decideWindowAt, MAX_NUMERIC_NS, numericSlots, WindowCursor, type NumericSlots } from "../sched/window-cursor";
import type { CompiledSchedule } from "../sched/window-scheduler";
import { ConsoleMux, type ConsoleBytes, type ConsoleLineSink } from "./console-mux";
import { classifyFault } from "./fault-class";
import { PartitionLoadError } from "./load-error";
import type { GuestError, KernelApi, LogbookServices, PartitionError, PartitionVm, PortServices, ReportedFaultOutcome, ServiceResult, VmLinks } from "./partition-vm";
import { USER_QUIT } from "./partition-vm";
import { IoreqHub } from "../ioreq/ioreq-hub";
import { DEFAULT_SERVER_DEADLINE_WINDOWS, ServerWatch } from "../ioreq/server-watch";

/** Everything a run needs; VMs are built by the caller (the CLI, or a test with synthetic VMs). */
export interface ModuleRunOptions {
  readonly config: SystemConfig;
  /** A VM for every configured partition, by id; each writes its console through `consoleFor`. */
  readonly createVm: (partition: PartitionConfig, console: ConsoleBytes, links: VmLinks) => PartitionVm;
  readonly trace: TraceSink;
  readonly onConsoleLine: ConsoleLineSink;
  /** Kernel notices (a partition stopped, the module shut down), for the user. */
  readonly onNotice?: (time: Nanos, text: string) => void;
  /** HM log capacity (default 1024 entries). */
  readonly hmLogCapacity?: number;
}

/** Per-partition figures for the run summary. */
export interface PartitionStats {
  readonly id: PartitionId;
  readonly name: string;
  windows: number;
  /** Cycles the partition's windows offered. */
  cyclesOffered: number;
  /** Cycles its guest code actually ran (the rest it idled, slept or was stopped). */
  cyclesRun: number;
  hmEvents: number;
  restarts: number;
  mode: OperatingMode;
}

/** Why a run ended. */
export type ModuleEnd = { readonly kind: "timeReached" } | { readonly kind: "shutdown"; readonly time: Nanos; readonly reason: string };

/** The result of runUntil. */
export interface ModuleRunResult {
  readonly end: ModuleEnd;
  readonly time: Nanos;
  readonly partitions: readonly PartitionStats[];
  readonly hmLog: readonly HmLogEntry[];
  readonly hmDropped: number;
}

interface PartitionRuntime {
  readonly config: PartitionConfig;
  readonly vm: PartitionVm;
  mode: PartitionModeState;
  sleepUntil: Nanos | undefined;
  /**
   * End of the window whose rest this partition gave up (a yield, a halt, a stop, its own restart): a run
   * that continues inside that window (after a snapshot, or in pieces) must not run it again.
   */
  doneUntil: Nanos | undefined;
  /** Transitions and errors requested by a hypercall, applied once the call returns. */
  deferred: (() => void)[];
  /** Errors sent to the partition's error handler and not yet taken by GET_ERROR_STATUS (oldest first, bounded). */
  readonly errors: PartitionError[];
  readonly stats: PartitionStats;
  /** The partition's KernelApi, built at its first hypercall (or, untraced, its first run: runNs's in-place offer) and
   * reused (no closures per exit). */
  api?: KernelApi;
  /** The decisions whose actions wait for the HM callback running in this partition to return. */
  callback: readonly HmDecision[] | undefined;
}

/** Runs a validated module in virtual time. Deterministic: the same config and images give the same trace. */
export class ModuleRunner {
  private readonly clock: ModuleClock;
  private readonly schedules: ScheduleSet;
  private scheduleState: ScheduleState;
  private readonly hmTables: HmTables;
  private readonly hmLog: HmLog;
  private readonly partitions = new Map<PartitionId, PartitionRuntime>();
  /** The same partitions indexed by id (the window switch looks them up without a Map). */
  private readonly byId: (PartitionRuntime | undefined)[] = [];
  private readonly console: ConsoleMux;
  /**
   * Virtual time in ns as a safe integer (the hot path's form; run ends and restored times are checked
   * against MAX_NUMERIC_NS). `now` reads and writes it as Nanos, the BigInt made once per distinct time.
   */
  private nowNs = 0;
  /** When the service just served ends (ns), for runWindow to pass its cycles in place; -1: none pending. */
  private serviceEndsNs = -1;
  private bigAt = 0;
  private bigNow: Nanos = nanos(0);
  private slotHint: number | undefined;
  /** The window decision of the number path, reused for every switch (no allocation). */
  private readonly cursor = new WindowCursor();
  /** Slot bounds as numbers per compiled schedule, built on first use. */
  private readonly numeric = new Map<CompiledSchedule, NumericSlots | undefined>();
  /** The number path's schedule and slots, valid while scheduleState is `numericFor`. */
  private numericFor: ScheduleState | undefined;
  private numericSchedule: CompiledSchedule | undefined;
  private numericSlots: NumericSlots | undefined;
  private numericEpoch = 0;
  /** Whether anyone listens to the trace (events are not even built for NULL_SINK). */
  private readonly tracing: boolean;
  /** The configured injected errors (apx:InjectError), in time order. */
  private readonly injected: readonly InjectedError[];
  private shutdown: { time: Nanos; reason: string } | undefined;
  private readonly router: PortRouter;
  /** The module's logbooks: kept across partition and module restarts. */
  private readonly logbooks: LogbookStore;
  /** "partition/port" -> partitions whose ports change when that port is used (channel peers). */
  private readonly portPeers = new Map<string, PartitionId[]>();
  /** Forwarded devices (kernel/ioreq), when the module serves any from a partition. */
  private readonly ioreq: IoreqHub | undefined;
  /** Hung-server detection over the I/O servers (kernel/ioreq/server-watch.ts). */
  private readonly serverWatch: ServerWatch | undefined;
  /** Window id of the window running now (for the ioreq trace). */
  private windowId = 0;
  /** The system partition whose image defines the ModuleCallback (undefined without one). */
  private readonly moduleAgent: PartitionRuntime | undefined;
  /** Module-level decisions waiting for the ModuleCallback to run in the agent's next window. */
  private moduleWaiting: HmDecision[] = [];
  /** Index of the next apx:InjectError to fire (they are in time order). */
  private injectedNext = 0;

  constructor(private readonly opts: ModuleRunOptions) {
    const { config } = opts;
    this.clock = new ModuleClock(config.ext.clockHz);
    this.tracing = opts.trace !== NULL_SINK;
    this.injected = config.ext.injectedErrors ?? [];
    this.schedules = buildScheduleSet(config.schedules);
    this.scheduleState = initialScheduleState(this.schedules);
    this.hmTables = compileHmTables(config);
    this.hmLog = new HmLog(opts.hmLogCapacity ?? 1024);
    this.console = new ConsoleMux(opts.onConsoleLine, opts.trace, () => this.now);
    this.router = PortRouter.fromConfig(config);
    this.logbooks = new LogbookStore(config.logbooks);
    for (const ch of config.channels) {
      if (ch.source.kind !== "partition") continue;
      const dests = ch.destinations.flatMap((d) => (d.kind === "partition" ? [d] : []));
      this.portPeers.set(`${ch.source.partition}/${ch.source.port}`, dests.map((d) => d.partition));
      for (const d of dests) this.portPeers.set(`${d.partition}/${d.port}`, [ch.source.partition]);
    }
    const start = moduleStartState("powerOn");
    this.ioreq = config.partitions.some((p) => (p.guest.served ?? []).length > 0)
      ? new IoreqHub(config.partitions, { now: () => this.now, windowId: () => this.windowId, emit: (e) => opts.trace.emit(e), console: (id, bytes) => this.console.sinkFor(id)(bytes), progress: (id) => this.serverWatch?.progress(id) })
      : undefined;
    const hub = this.ioreq;
    this.serverWatch = hub === undefined ? undefined : new ServerWatch(config.partitions, (id) => hub.isServer(id));
    const links: VmLinks = {
      ioreq: this.ioreq,
      ports: (id) => {
        const p = this.partitions.get(id);
        if (p === undefined) throw new Error(`port services of partition ${id} asked before the module was built`);
        return this.portServicesFor(p);
      },
    };
    for (const p of [...config.partitions].sort((a, b) => a.id - b.id)) {
      const vm = opts.createVm(p, this.console.sinkFor(p.id), links);
      const runtime: PartitionRuntime = {
        config: p,
        vm,
        mode: start,
        sleepUntil: undefined,
        doneUntil: undefined,
        deferred: [],
        errors: [],
        callback: undefined,
        stats: { id: p.id, name: p.name, windows: 0, cyclesOffered: 0, cyclesRun: 0, hmEvents: 0, restarts: 0, mode: start.mode },
      };
      this.partitions.set(p.id, runtime);
      this.byId[p.id] = runtime;
    }
    this.moduleAgent = [...this.partitions.values()].find((p) => p.vm.hasHmCallback?.("module") === true);
    const named = config.moduleCallback;
    if (named !== undefined && this.moduleAgent === undefined) {
      throw new PartitionLoadError("(module)", undefined, undefined, `ModuleCallback "${named}": no system partition (SystemPartition="true") is a PV partition whose image defines it, or an FV one whose image defines it and whose apx_services device has an Irq`);
    }
  }

  /** Current virtual time of the module. */
  get time(): Nanos {
    return this.now;
  }

  private get now(): Nanos {
    if (this.bigAt !== this.nowNs) {
      this.bigNow = nanos(this.nowNs);
      this.bigAt = this.nowNs;
    }
    return this.bigNow;
  }

  private set now(t: Nanos) {
    if (t > BigInt(MAX_NUMERIC_NS)) throw new RangeError(`virtual time ${t} ns is beyond 2^53 ns`);
    this.nowNs = Number(t);
  }

  /** The module clock (cycles <-> ns). */
  get moduleClock(): ModuleClock {
    return this.clock;
  }

  /**
   * Runs until virtual time `end` (or a module shutdown). May be called again to continue; pass
   * `flushConsole` false to keep unfinished console lines for the next call (a run in pieces then prints
   * exactly what one call prints).
   */
  runUntil(end: Nanos, flushConsole = true): ModuleRunResult {
    if (end > BigInt(MAX_NUMERIC_NS)) throw new RangeError(`run end ${end} ns is beyond 2^53 ns (about 104 days)`);
    const endNs = Number(end);
    const d = this.cursor;
    while (this.nowNs < endNs && this.shutdown === undefined) {
      this.decide();
      const until = d.until;
      const slotStart = d.slotStart;
      const stop = until < endNs ? until : endNs;
      const p = d.partition === undefined ? undefined : this.byId[d.partition];
      this.fireInjected(slotStart === this.nowNs ? p : undefined);
      if (this.shutdown !== undefined) break;
      if (p === undefined) {
        if (slotStart === this.nowNs && this.tracing) this.opts.trace.emit({ kind: "idle", time: this.now, until: nanos(until) });
      } else {
        this.runWindow(p, d.windowId, slotStart, until, stop);
      }
      if (this.shutdown === undefined) this.nowNs = stop;
    }
    if (flushConsole) this.console.flush();
    return this.result();
  }

  /**
   * The window decision at now, into this.cursor: in numbers when no schedule switch is due (the hot path,
   * no allocation), else through decideModule, which settles the switch and applies its actions.
   */
  private decide(): void {
    const st = this.scheduleState;
    if (st.pending === undefined || this.nowNs < Number(st.pending.at)) {
      if (this.numericFor !== st) this.loadNumeric(st);
      const schedule = this.numericSchedule;
      const slots = this.numericSlots;
      if (schedule !== undefined && slots !== undefined && decideWindowAt(schedule, slots, this.numericEpoch, this.nowNs, this.cursor)) {
        this.slotHint = this.cursor.slotIndex;
        return;
      }
    }
    const { state, decision, switched } = decideModule(this.schedules, this.scheduleState, this.now, this.slotHint);
    this.scheduleState = state;
    this.slotHint = decision.slotIndex;
    const c = this.cursor;
    c.partition = decision.partition;
    c.windowId = decision.windowId ?? 0;
    c.until = Number(decision.until);
    c.frameStart = Number(decision.frameStart);
    c.slotStart = Number(decision.slotStart);
    c.slotIndex = decision.slotIndex;
    c.periodStart = decision.periodStart;
    if (switched !== undefined) {
      this.opts.trace.emit({ kind: "scheduleSwitch", time: this.now, from: switched.from, to: switched.to });
      for (const a of switched.actions) {
        const p = this.byId[a.partition];
        if (p !== undefined) this.applyTransition(p, applyPartitionAction(p.mode, a.action, "scheduleChange"));
      }
    }
  }

  /** Prepares the number path for schedule state `st` (once per schedule state). */
  private loadNumeric(st: ScheduleState): void {
    const schedule = this.schedules.byId.get(st.currentId);
    let slots = schedule === undefined ? undefined : this.numeric.get(schedule);
    if (schedule !== undefined && slots === undefined && !this.numeric.has(schedule)) {
      slots = numericSlots(schedule);
      this.numeric.set(schedule, slots);
    }
    this.numericFor = st;
    this.numericSchedule = schedule;
    this.numericSlots = st.epoch > BigInt(MAX_NUMERIC_NS) ? undefined : slots;
    this.numericEpoch = Number(st.epoch);
  }

  /** The kernel state and every partition's machine, between runUntil calls (kernel/snapshot). */
  snapshot(): { kernel: Json; machines: SnapshotMachine[] } {
    const parts = [...this.partitions.values()];
    const state: RunnerState = {
      now: this.now,
      slotHint: this.slotHint,
      shutdown: this.shutdown,
      schedule: this.scheduleState,
      partitions: parts.map((p) => ({ id: p.config.id, mode: p.mode, sleepUntil: p.sleepUntil, doneUntil: p.doneUntil, errors: [...p.errors], callback: p.callback ?? [], stats: { ...p.stats } })),
      hmLog: { entries: this.hmLog.entries(), dropped: this.hmLog.dropped },
      ports: this.router.saveState(),
      console: this.console.pendingLines(),
      logbooks: this.logbooks.saveState(),
      shared: sharedMemoryOf(this.opts.config).all().map((b) => ({ name: b.name, bytes: b.bytes })),
      moduleWaiting: this.moduleWaiting,
    };
    const machines = parts.map((p) => {
      if (p.vm.snapshot === undefined) throw new Error(`partition ${p.config.name}: its VM cannot be saved`);
      return p.vm.snapshot();
    });
    const kernel = encodeRunnerState(state);
    // The forwarded-device routing rides in the kernel note under its own key (kernel/ioreq/ioreq-state.ts).
    return {
      kernel:
        this.ioreq === undefined || kernel === null || typeof kernel !== "object" || Array.isArray(kernel) ? kernel : { ...kernel, ioreq: this.ioreq.saveState(), ioreqWatch: this.serverWatch?.saveState() ?? null },
      machines,
    };
  }

  /** Checks a snapshot against this freshly built runner (kernel state and every machine) before anything is applied. */
  prepareRestore(kernel: Json, machines: readonly SnapshotMachine[]): Prepared {
    const blocks = sharedMemoryOf(this.opts.config).all();
    const parsed = parseRunnerState(kernel, this.opts.config, this.router.table, this.hmLog.capacity, blocks);
    if (!parsed.ok) return parsed;
    const s = parsed.value;
    if (s.now > BigInt(MAX_NUMERIC_NS)) return { ok: false, error: `kernel note: now ${s.now} ns is beyond 2^53 ns (about 104 days), the longest run kept exact` };
    const ioreq = this.ioreq?.prepareRestore(typeof kernel === "object" && kernel !== null && !Array.isArray(kernel) ? kernel["ioreq"] : undefined);
    if (ioreq !== undefined && !ioreq.ok) return ioreq;
    const watch = this.serverWatch?.prepareRestore(typeof kernel === "object" && kernel !== null && !Array.isArray(kernel) ? kernel["ioreqWatch"] : undefined);
    if (watch !== undefined && !watch.ok) return watch;
    const parts = [...this.partitions.values()];
    if (machines.length !== parts.length) return { ok: false, error: `machine notes: ${machines.length} machines saved, the module has ${parts.length} partitions` };
    const steps: (() => void)[] = [];
    for (const [i, p] of parts.entries()) {
      const m = machines[i];
      if (m === undefined || m.name !== p.config.name) return { ok: false, error: `machine note ${m?.name ?? i}: expected partition ${p.config.name} in that place` };
      const prepared = p.vm.prepareRestore?.(m) ?? { ok: false, error: `machine note ${m.name}: this partition's VM cannot be restored` };
      if (!prepared.ok) return prepared;
      steps.push(prepared.apply);
    }
    if (ioreq !== undefined) steps.push(ioreq.apply);
    if (watch !== undefined) steps.push(watch.apply);
    return {
      ok: true,
      apply: () => {
        this.now = s.now;
        this.slotHint = s.slotHint;
        this.cursor.slotIndex = s.slotHint ?? -1;
        this.numericFor = undefined;
        this.shutdown = s.shutdown;
        this.scheduleState = s.schedule;
        for (const ps of s.partitions) {
          const p = this.partitions.get(ps.id);
          if (p === undefined) throw new Error(`partition ${ps.id} passed the check but is not in the module`);
          p.mode = ps.mode;
          p.sleepUntil = ps.sleepUntil;
          p.doneUntil = ps.doneUntil;
          p.errors.length = 0;
          p.errors.push(...ps.errors);
          p.callback = ps.callback.length > 0 ? ps.callback : undefined;
          Object.assign(p.stats, ps.stats, { mode: ps.mode.mode });
        }
        this.hmLog.restore(s.hmLog.entries, s.hmLog.dropped);
        this.moduleWaiting = [...s.moduleWaiting];
        const injected = this.opts.config.ext.injectedErrors ?? [];
        const next = injected.findIndex((i) => i.at >= s.now);
        this.injectedNext = next < 0 ? injected.length : next;
        this.router.restoreState(s.ports);
        this.console.restorePending(s.console);
        this.logbooks.restoreState(s.logbooks);
        s.shared.forEach((saved, i) => {
          const block = blocks[i]!;
          block.bytes.set(saved.bytes);
          block.bytes.fill(0, saved.bytes.length);
        });
        for (const step of steps) step();
      },
    };
  }

  /** Runs partition `p` from this.now to `stop` inside its window [slotStart, windowEnd) (times in ns, numbers). */
  private runWindow(p: PartitionRuntime, windowId: number, slotStart: number, windowEnd: number, stop: number): void {
    const start = this.nowNs;
    this.windowId = windowId;
    if (slotStart === start) {
      p.doneUntil = undefined;
      p.vm.beginWindow?.(this.now, nanos(windowEnd));
      p.stats.windows++;
      if (this.tracing) this.opts.trace.emit({ kind: "windowStart", time: this.now, partition: p.config.id, windowId, schedule: this.scheduleState.currentId, until: nanos(windowEnd) });
      if (p === this.moduleAgent && this.moduleWaiting.length > 0) this.startModuleCallback(p);
      if (this.ioreq?.isServer(p.config.id) === true) this.serverWatch?.windowStart(p.config.id, this.ioreq.holds(p.config.id));
    }
    const budget = this.clock.cyclesBetweenNs(start, stop);
    p.stats.cyclesOffered += budget;
    let used = 0;
    // The partition gave up the rest of this window before the run was cut here: it stays off until the window ends.
    if (p.doneUntil !== undefined && start < Number(p.doneUntil)) used = budget;
    // Untraced, a VM with runNs may serve quiet calls itself (PartitionVm.runNs): their cycles pass as sleep, as below.
    const inPlace = this.tracing || p.vm.runNs === undefined ? undefined : this.kernelApiFor(p);
    while (used < budget && this.runnable(p)) {
      if (p.sleepUntil !== undefined) {
        // Number() of a time beyond 2^53 rounds but stays beyond `stop`, so the comparisons hold.
        const wake = Number(p.sleepUntil);
        if (wake >= stop) break;
        if (wake > this.nowNs) used = this.clock.cyclesBetweenNs(start, wake);
        p.sleepUntil = undefined;
        this.nowNs = this.clock.advanceNs(start, used);
        continue;
      }
      if (p.config.guest.kind === "FV" && p.vm.apexModes !== true && p.mode.mode !== "NORMAL") {
        // A full-virtualized guest knows nothing of APEX: it is in NORMAL mode as soon as it runs, and its
        // configured sampling ports are created for it first (its "sampling_ports" device reaches them).
        for (const port of p.config.ports) if (port.kind === "sampling") this.router.table.createSampling(p.config.id, p.mode.mode, port);
        this.applyTransition(p, setPartitionMode(p.mode, OPERATING_MODE_VALUES.NORMAL));
      }
      const slice = p.vm.runNs !== undefined ? p.vm.runNs(budget - used, this.nowNs, inPlace) : p.vm.run(budget - used, this.now);
      used += slice.cycles + (slice.serviceCycles ?? 0);
      p.stats.cyclesRun += slice.cycles;
      this.nowNs = this.clock.advanceNs(start, used);
      const went = this.handleExit(p, slice.exit);
      const wake = this.serviceEndsNs;
      if (wake >= 0) {
        // The service's cycles pass here, as a sleep would on the next turn (no pass of its own per trap).
        this.serviceEndsNs = -1;
        if (wake >= stop) p.sleepUntil = nanos(wake);
        else {
          if (wake > this.nowNs) used = this.clock.cyclesBetweenNs(start, wake);
          this.nowNs = this.clock.advanceNs(start, used);
        }
      }
      if (!went) {
        // A PV partition that stops gave up the rest of its window. An FV halt only says nothing happens
        // before `stop`: when the run is cut inside the window (a save, a restore point), the PC's next
        // timer may still fall in this window, so it runs again from here as an uncut run would.
        if (!(slice.exit.kind === "halt" && p.config.guest.kind === "FV")) p.doneUntil = nanos(windowEnd);
        break;
      }
    }
    if (this.shutdown !== undefined) return;
    this.nowNs = stop;
    const pending = p.callback;
    if (pending !== undefined && stop === windowEnd) {
      // A callback gets the rest of its partition's window, no more: the action is not held up longer.
      this.endCallback(p, "did not return within its window");
      for (const d of pending) this.act(p, d, false);
    }
    if (stop === windowEnd && this.tracing) this.opts.trace.emit({ kind: "windowEnd", time: this.now, partition: p.config.id, windowId });
    if (stop === windowEnd && this.serverWatch?.windowEnd(p.config.id) === true) this.serverHung(p);
  }

  /**
   * An I/O server completed none of the requests it held in its last ServerDeadlineWindows windows: what
   * it held completes as a floating bus and its ring is forgotten (it must attach again; a restart
   * does), then the HM hears DEADLINE_MISSED for the server. A stopped (IDLE) server gets no HM event,
   * but its clients' requests still complete, so no client waits forever on it.
   */
  private serverHung(p: PartitionRuntime): void {
    this.ioreq?.serverReset(p.config.id);
    if (p.mode.mode === "IDLE") return;
    const n = p.config.guest.serverDeadlineWindows ?? DEFAULT_SERVER_DEADLINE_WINDOWS;
    this.raiseFault(p, { kind: "fault", fault: "deadlineMissed" }, `I/O server completed no waiting request in ${n} of its windows in a row: hung; its requests complete as a floating bus`, "code", 0);
  }

  private runnable(p: PartitionRuntime): boolean {
    return p.mode.mode !== "IDLE" && this.shutdown === undefined;
  }

  /** Handles one VM exit; false when the partition runs no more in this window. */
  private handleExit(p: PartitionRuntime, exit: PartitionVmExit): boolean {
    switch (exit.kind) {
      case "budget":
        return true;
      case "halt":
        // Halted with nothing to wake it in this window (the VM fast-forwards to its own timer events).
        return false;
      case "hypercall":
        return this.serviceHypercall(p, exit.vector);
      case "fault": {
        const fault = classifyFault(exit.vector, p.vm.instructionBytes());
        const at = `vector ${exit.vector}${exit.errorCode === undefined ? "" : ` error code 0x${exit.errorCode.toString(16)}`} at eip 0x${exit.eip.toString(16)}` +
          (exit.cr2 === undefined ? "" : ` cr2 0x${exit.cr2.toString(16)}`);
        return this.raiseFault(p, { kind: "fault", fault }, `${fault}: ${at}`, "code", exit.eip);
      }
      case "tripleFault":
        return this.raiseFault(p, { kind: "fault", fault: "hardwareFault" }, "triple fault", "code", 0);
      case "reset":
        // The guest reset its own PC (as a PV partition asks for COLD_START): the machine restarts, said with its cause.
        this.notice(`partition ${p.config.name} reset its machine (${exit.cause}); COLD_START`);
        this.applyTransition(p, setPartitionMode(p.mode, OPERATING_MODE_VALUES.COLD_START));
        return false;
      case "quit":
        // Ctrl-A x on the terminal feeding this partition's console: the whole run ends here.
        this.shutdown = { time: this.now, reason: `${USER_QUIT}${p.config.name}` };
        return false;
      case "stop":
        if (exit.reason === DEBUG_STOP) return false; // a debugger holds the vCPU: the window passes idle
        this.notice(`partition ${p.config.name} stopped itself (${exit.reason}); it is now IDLE`);
        this.applyTransition(p, setPartitionMode(p.mode, OPERATING_MODE_VALUES.IDLE));
        return false;
      default: {
        const unreachable: never = exit;
        throw new Error(`unhandled VM exit ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private serviceHypercall(p: PartitionRuntime, vector: number): boolean {
    if (p.vm.serviceHypercall === undefined) {
      return this.raiseFault(p, { kind: "fault", fault: "illegalRequest" }, `hypercall vector ${vector} in a machine without hypercalls`, "hypercall", 0);
    }
    const result: ServiceResult = p.vm.serviceHypercall(vector, this.kernelApiFor(p));
    const restartsBefore = p.stats.restarts;
    if (p.deferred.length > 0) for (const d of p.deferred.splice(0)) d();
    // A call that stopped or restarted its own partition ends the partition's run in this window.
    if (!this.runnable(p) || p.stats.restarts !== restartsBefore) return false;
    switch (result.kind) {
      case "resume":
        return this.chargeService(result.cycles);
      case "yieldWindow":
        return false;
      case "sleepUntil":
        p.sleepUntil = result.time;
        return true;
      case "error":
        return this.raiseFault(p, { kind: "fault", fault: result.fault }, result.message, "hypercall", 0);
      default: {
        const unreachable: never = result;
        throw new Error(`unhandled service result ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Service costs are charged as sleep: the window clock moves on without guest instructions. */
  private chargeService(cycles: number): boolean {
    if (cycles > 0) this.serviceEndsNs = this.clock.advanceNs(this.nowNs, cycles);
    return true;
  }

  private kernelApiFor(p: PartitionRuntime): KernelApi {
    return (p.api ??= this.buildKernelApi(p));
  }

  /** The caller's period and duration in the current module schedule. */
  private timingOf(p: PartitionRuntime): KernelApi["timing"] {
    const entry = this.schedules.byId.get(this.scheduleState.currentId)?.config.partitions.find((e) => e.partition === p.config.id);
    return { period: entry?.period ?? nanos(0), duration: entry?.periodDuration ?? nanos(0) };
  }

  /** Built once per partition: time, mode and timing are read at the moment the service asks. */
  private buildKernelApi(p: PartitionRuntime): KernelApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters of the literal below have their own `this`
    const runner = this;
    // The live fields are getters of a prototype: V8 keeps an object literal that defines getters in its
    // slow dictionary mode, and every trap reads `nowNs` and calls `traceHypercall` through this object.
    const live: LiveKernelFields = {
      get now(): Nanos {
        return runner.now;
      },
      get nowNs(): number {
        return runner.nowNs;
      },
      get mode(): PartitionModeState {
        return p.mode;
      },
      get timing(): KernelApi["timing"] {
        return runner.timingOf(p);
      },
    };
    return withLiveFields(live, {
      partition: p.config.id,
      ports: this.portServicesFor(p),
      setModuleSchedule: (scheduleId: number): ServiceOutcome => {
        const r = requestScheduleChange(this.schedules, this.scheduleState, p.config.id, scheduleId, this.now);
        this.scheduleState = r.state;
        return r.outcome;
      },
      scheduleStatus: () => scheduleStatus(this.schedules, this.scheduleState, this.now),
      scheduleIdByName: (name: string) => scheduleIdByName(this.schedules, name),
      reportMessage: (message: string): void => this.notice(`partition ${p.config.name} reports: ${message}`),
      takeError: () => p.errors.shift(),
      notice: (text: string): void => this.notice(text),
      traceHypercall: (service: string, result: number | "fault"): void => {
        if (this.opts.trace === NULL_SINK) return; // tracing off: not even the event object
        this.opts.trace.emit({ kind: "hypercall", time: this.now, partition: p.config.id, service, result });
      },
      hmCallbackReturn: (): boolean => {
        const pending = p.callback;
        if (pending === undefined) return false;
        this.endCallback(p, "returned");
        p.deferred.push(() => {
          for (const d of pending) this.act(p, d, false);
        });
        return true;
      },
      setPartitionMode: (requested: number): ReturnCode => {
        const t = setPartitionMode(p.mode, requested);
        p.deferred.push(() => this.applyTransition(p, t));
        return toReturnCode(t.outcome);
      },
      setPartitionModeOf: (target: number, requested: number): ReturnCode | "unknownPartition" => {
        const other = this.partitions.get(target as PartitionId);
        if (other === undefined) return "unknownPartition";
        // An IDLE target can only be restarted (COLD_START/WARM_START) or left IDLE; NORMAL needs a start first.
        const t =
          other.mode.mode !== "IDLE"
            ? setPartitionMode(other.mode, requested)
            : requested === OPERATING_MODE_VALUES.COLD_START || requested === OPERATING_MODE_VALUES.WARM_START
              ? applyPartitionAction(other.mode, requested === OPERATING_MODE_VALUES.COLD_START ? "COLD_START" : "WARM_START", "partitionRequest")
              : { ...other.mode, effects: [], outcome: requested === OPERATING_MODE_VALUES.IDLE ? ("noChange" as const) : requested === OPERATING_MODE_VALUES.NORMAL ? ("wrongMode" as const) : ("badParam" as const) };
        p.deferred.push(() => this.applyTransition(other, t));
        return toReturnCode(t.outcome);
      },
      logbooks: this.logbookServicesFor(p),
      raiseError: (code: ErrorCode, message: string): ReturnCode => {
        const d = this.classify(p, { kind: "code", code }, message, this.codeContext(p, "code"), false);
        p.deferred.push(() => this.act(p, d));
        return toReturnCode("ok");
      },
      raiseGuestError: (e: GuestError): boolean => this.raiseGuestError(p, e),
      raiseReportedFault: (fault: KernelFault, message: string, failedAddress: number): ReportedFaultOutcome => {
        const agent = this.moduleAgent;
        let waits = false;
        const handled = this.raiseFault(p, { kind: "fault", fault }, message, "code", failedAddress, true, (d) => {
          // act() below leaves a module action to the ModuleCallback of another partition's next window.
          waits = d.action.kind === "module" && p.callback === undefined && agent !== undefined && agent !== p && this.runnable(agent);
        });
        return handled ? "handler" : waits ? "waits" : "acts";
      },
    });
  }

  /** The logbook services bound to `p`. */
  private logbookServicesFor(p: PartitionRuntime): LogbookServices {
    const b = this.logbooks;
    const caller = p.config.id;
    return {
      create: (req) => b.create(caller, p.mode.mode, req),
      idOf: (name) => b.idOf(caller, name),
      maxMessageSize: (id) => b.maxMessageSize(caller, id),
      write: (id, data) => b.write(caller, id, data),
      read: (id, index) => b.read(caller, id, index),
      clear: (id) => b.clear(caller, id),
      status: (id) => b.status(caller, id),
    };
  }

  /** The port services bound to `p`; a change of a port's state raises PORT in its channel peers. */
  private portServicesFor(p: PartitionRuntime): PortServices {
    const r = this.router;
    const caller = p.config.id;
    const touched = (id: number, outcome: ServiceOutcome): ServiceOutcome => {
      if (outcome === "ok" || outcome === "overflowed") {
        const name = r.table.entry(id as PortId).config.name;
        for (const peer of this.portPeers.get(`${caller}/${name}`) ?? []) this.partitions.get(peer)?.vm.portEvent?.();
      }
      return outcome;
    };
    // Port traffic is traced with the port's name (or "#id" for an id the caller does not own).
    const traffic = (kind: PortEventKind, id: number, kindOf: PortConfig["kind"], length: number, outcome: ServiceOutcome, validity?: "VALID" | "INVALID"): void => {
      const owned = r.table.owned(caller, id, kindOf);
      const port = owned === "unknownId" ? `#${id}` : owned.config.name;
      const moved = outcome === "ok" || outcome === "overflowed" ? length : 0;
      this.opts.trace.emit({ kind, time: this.now, partition: caller, port, length: moved, returnCode: toReturnCode(outcome), ...(validity === undefined ? {} : { validity }) });
    };
    return {
      createSampling: (req) => r.table.createSampling(caller, p.mode.mode, req),
      createQueuing: (req) => r.table.createQueuing(caller, p.mode.mode, req),
      idOf: (kind, name) => r.table.idOf(caller, kind, name),
      writeSampling: (id, data) => {
        const outcome = touched(id, r.writeSampling(caller, id, data, this.now));
        traffic("portWrite", id, "sampling", data.length, outcome);
        return outcome;
      },
      readSampling: (id) => {
        const got = r.readSampling(caller, id, this.now);
        traffic("portRead", id, "sampling", got.message.length, got.outcome, got.outcome === "ok" ? got.validity : undefined);
        return got;
      },
      samplingStatus: (id) => r.samplingStatus(caller, id),
      readUpdatedSampling: (id) => {
        const got = r.readUpdatedSampling(caller, id, this.now);
        traffic("portRead", id, "sampling", got.message.length, got.outcome, got.outcome === "ok" ? got.validity : undefined);
        return got;
      },
      samplingCurrentStatus: (id) => r.samplingCurrentStatus(caller, id, this.now),
      sendQueuing: (id, data) => {
        const outcome = touched(id, r.sendQueuing(caller, id, data, this.now));
        traffic("portSend", id, "queuing", data.length, outcome);
        return outcome;
      },
      receiveQueuing: (id) => {
        const got = r.receiveQueuing(caller, id);
        touched(id, got.outcome);
        traffic("portReceive", id, "queuing", got.message.length, got.outcome);
        return got;
      },
      queuingStatus: (id) => r.queuingStatus(caller, id),
      clearQueuing: (id) => touched(id, r.clearQueuing(caller, id)),
    };
  }

  /**
   * Fires the apx:InjectError entries that are due: state 1 (module initialization, at 0) and state 2
   * (a system-specific function) at the first scheduling step at or after their time, with no partition
   * context; state 3 (partition switching) at the first window start at or after its time, in the
   * context of the partition the kernel switches to (`switchingTo`).
   */
  private fireInjected(switchingTo: PartitionRuntime | undefined): void {
    const list = this.injected;
    for (let inj = list[this.injectedNext]; inj !== undefined && inj.at <= this.now && this.shutdown === undefined; inj = list[this.injectedNext]) {
      if (inj.systemState === 3 && switchingTo === undefined) return;
      this.injectedNext++;
      const p = inj.systemState === 3 ? switchingTo : undefined;
      const d = decideHm(this.hmTables, {
        error: { kind: "code", code: inj.errorCode },
        systemState: inj.systemState,
        partition: p?.config.id,
        hasErrorHandler: false,
        time: this.now,
        message: "injected (apx:InjectError)",
      });
      this.hmLog.append(d.logEntry);
      if (p !== undefined) p.stats.hmEvents++;
      const { systemState } = d.logEntry;
      this.opts.trace.emit({ kind: "hmEvent", time: this.now, partition: p?.config.id, systemState, errorId: d.errorId, errorCode: d.errorCode, level: d.level, action: describeAction(d.action) });
      this.notice(`HM: ${p === undefined ? "module" : `partition ${p.config.name}`}: ${d.errorCode} (injected in system state ${systemState}) -> ${describeAction(d.action)}`);
      if (p !== undefined) this.act(p, d);
      else if (d.action.kind === "module") this.moduleContextAction(d);
    }
  }

  /** A module action decided outside any partition: through the ModuleCallback's agent when there is one. */
  private moduleContextAction(d: HmDecision): void {
    if (d.action.kind !== "module") return;
    const agent = this.moduleAgent;
    if (agent !== undefined && this.runnable(agent)) {
      this.moduleWaiting.push(d);
      this.notice(`HM: ModuleCallback waits for partition ${agent.config.name}'s next window; then ${describeAction(d.action)}`);
      return;
    }
    this.moduleAction(d.action.action, `${d.errorCode} in system state ${d.logEntry.systemState}`);
  }

  /** "errorHandler" while the guest's error handler runs (it said so), else `context`. */
  private codeContext(p: PartitionRuntime, context: "code" | "hypercall"): PartitionContext {
    return p.vm.errorHandler?.().state === "running" ? "errorHandler" : context;
  }

  /**
   * A fault the kernel detected in partition code or in a service it asked for. A PROCESS-level error
   * goes to the guest's error handler through the HM upcall when the guest declared a handler, runs in
   * NORMAL mode with virqs unmasked and the kernel's record queue has room; otherwise the module or
   * partition action applies. True when the partition goes on running (the upcall is pending).
   */
  private raiseFault(p: PartitionRuntime, error: HmError, message: string, context: "code" | "hypercall", failedAddress: number, deferAction = false, decided?: (d: HmDecision) => void): boolean {
    const eh = p.vm.errorHandler?.();
    const reachable = eh !== undefined && eh.state === "ready" && eh.deliverable && p.mode.mode === "NORMAL";
    const full = reachable && p.errors.length >= MAX_QUEUED_ERRORS;
    const text = full ? `${message} (error handler queue full: handled at partition level)` : message;
    const d = this.classify(p, error, text, this.codeContext(p, context), reachable && !full);
    decided?.(d);
    if (d.action.kind === "errorHandler") {
      p.errors.push({ code: d.errorCode, message, failedAddress });
      p.vm.raiseHmUpcall?.(d, failedAddress);
      return true;
    }
    // A fault an FV guest reported through a service: its action waits for the report to return, as a service's effects do.
    if (deferAction) {
      p.deferred.push(() => this.act(p, d));
      return false;
    }
    return this.act(p, d) === "callback";
  }

  /** An error the guest RTOS reports with its exact code; true when it goes to the guest's error handler. */
  private raiseGuestError(p: PartitionRuntime, e: GuestError): boolean {
    const eh = p.vm.errorHandler?.();
    const reachable = eh !== undefined && eh.state !== "none" && !e.noHandler && p.mode.mode === "NORMAL";
    const text = e.failedAddress === 0 ? e.message : `${e.message} at 0x${e.failedAddress.toString(16)}`;
    const d = this.classify(p, { kind: "code", code: e.code }, text, this.codeContext(p, "code"), reachable);
    if (d.action.kind === "errorHandler") return true;
    p.deferred.push(() => this.act(p, d));
    return false;
  }

  /** Classifies an error through the HM tables, logs and traces it; the action is the caller's to apply. */
  private classify(p: PartitionRuntime, error: HmError, message: string, context: PartitionContext, hasErrorHandler: boolean): HmDecision {
    const decision = decideHm(this.hmTables, {
      error,
      systemState: partitionSystemState(p.mode.mode, context),
      partition: p.config.id,
      hasErrorHandler,
      time: this.now,
      message,
    });
    this.hmLog.append(decision.logEntry);
    p.stats.hmEvents++;
    this.opts.trace.emit({
      kind: "hmEvent",
      time: this.now,
      partition: p.config.id,
      systemState: decision.logEntry.systemState,
      errorId: decision.errorId,
      errorCode: decision.errorCode,
      level: decision.level,
      action: describeAction(decision.action),
    });
    this.notice(`HM: partition ${p.config.name}: ${decision.errorCode} (${message}) -> ${describeAction(decision.action)}`);
    return decision;
  }

  /**
   * Carries out a module or partition action; the error-handler action was delivered by the caller.
   * With `viaCallback`, the HM callback the XML names runs first and the action waits for its return:
   * a partition action runs the partition's PartitionCallback in the partition now ("callback"); a
   * module action runs the ModuleCallback in the system partition that defines it, now when that is
   * the partition in error, else at the start of its next window. An error while a callback runs ends
   * it: the actions it was waiting for apply, and the new error's own action only when it is a module one.
   */
  private act(p: PartitionRuntime, decision: HmDecision, viaCallback = true): "done" | "callback" {
    const interrupted = p.callback;
    if (interrupted !== undefined) {
      this.endCallback(p, `ended by ${decision.errorCode}`);
      for (const d of interrupted) this.act(p, d, false);
      if (decision.action.kind !== "module") return "done";
    }
    const action = decision.action;
    switch (action.kind) {
      case "module": {
        const agent = this.moduleAgent;
        if (viaCallback && interrupted === undefined && agent !== undefined && this.runnable(agent)) {
          this.moduleWaiting.push(decision);
          if (agent !== p) {
            this.notice(`HM: ModuleCallback waits for partition ${agent.config.name}'s next window; then ${describeAction(action)}`);
            return "done";
          }
          return this.startModuleCallback(agent) ? "callback" : "done";
        }
        this.moduleAction(action.action, `${decision.errorCode} in partition ${p.config.name}`);
        return "done";
      }
      case "partition": {
        if (viaCallback && interrupted === undefined) {
          const args = [ERROR_CODE_VALUES[decision.errorCode], decision.errorId, decision.logEntry.systemState];
          const entered = p.vm.enterHmCallback?.("partition", args) ?? "none";
          if (entered === "entered") {
            p.callback = [decision];
            this.notice(`HM: partition ${p.config.name}: PartitionCallback runs before ${describeAction(action)}`);
            return "callback";
          }
          if (entered === "badStack") this.notice(`HM: partition ${p.config.name}: PartitionCallback skipped (the stack cannot take its frame)`);
        }
        this.applyTransition(p, applyPartitionAction(p.mode, action.action, "healthMonitor"));
        return "done";
      }
      case "errorHandler":
        return "done";
      default: {
        const unreachable: never = action;
        throw new Error(`unhandled HM action ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * Enters the ModuleCallback in `agent` for the waiting module decisions (arguments: the first one's
   * error code, identifier, system state and partition). False when it could not be entered: the
   * waiting actions have then been applied.
   */
  private startModuleCallback(agent: PartitionRuntime): boolean {
    const waiting = this.moduleWaiting;
    this.moduleWaiting = [];
    const first = waiting[0];
    if (first === undefined) return false;
    const args = [ERROR_CODE_VALUES[first.errorCode], first.errorId, first.logEntry.systemState, first.logEntry.partition ?? 0];
    const entered = agent.callback === undefined ? (agent.vm.enterHmCallback?.("module", args) ?? "none") : "none";
    if (entered === "entered") {
      agent.callback = waiting;
      this.notice(`HM: ModuleCallback runs in partition ${agent.config.name} before ${waiting.map((d) => describeAction(d.action)).join(", ")}`);
      return true;
    }
    this.notice(`HM: ModuleCallback could not run in partition ${agent.config.name} (${entered === "badStack" ? "its stack cannot take the frame" : "busy"})`);
    for (const d of waiting) this.act(agent, d, false);
    return false;
  }

  /** Leaves the HM callback running in `p` (context restored); its actions are the caller's to apply. */
  private endCallback(p: PartitionRuntime, how: string): void {
    const pending = p.callback;
    if (pending === undefined) return;
    p.callback = undefined;
    p.vm.leaveHmCallback?.();
    const kind = pending[0]?.action.kind === "module" ? "ModuleCallback" : "PartitionCallback";
    this.notice(`HM: partition ${p.config.name}: ${kind} ${how}; ${pending.map((d) => describeAction(d.action)).join(", ")} applies`);
  }

  private moduleAction(action: "IGNORE" | "SHUTDOWN" | "RESET", reason: string): void {
    switch (action) {
      case "IGNORE":
        return;
      case "SHUTDOWN":
        this.shutdown = { time: this.now, reason };
        this.notice(`module shut down: ${reason}`);
        return;
      case "RESET": {
        const start = moduleStartState("moduleRestart");
        for (const p of this.partitions.values()) {
          p.sleepUntil = undefined;
          this.applyTransition(p, { ...start, effects: [{ kind: "restart", mode: "COLD_START" }], outcome: "ok" });
        }
        return;
      }
      default: {
        const unreachable: never = action;
        throw new Error(`unhandled module action ${String(unreachable)}`);
      }
    }
  }

  private applyTransition(p: PartitionRuntime, t: ModeTransition): void {
    const from = p.mode.mode;
    p.mode = { mode: t.mode, startCondition: t.startCondition };
    p.stats.mode = t.mode;
    if (from !== t.mode || t.effects.some((e) => e.kind === "restart")) {
      this.opts.trace.emit({ kind: "modeChange", time: this.now, partition: p.config.id, from, to: t.mode, startCondition: t.startCondition });
    }
    for (const e of t.effects) {
      switch (e.kind) {
        case "stop":
          p.sleepUntil = undefined;
          this.ioreq?.serverReset(p.config.id);
          this.serverWatch?.reset(p.config.id);
          p.callback = undefined;
          break;
        case "restart":
          p.sleepUntil = undefined;
          p.callback = undefined;
          this.ioreq?.serverReset(p.config.id);
          this.serverWatch?.reset(p.config.id);
          this.ioreq?.clientReset(p.config.id);
          p.stats.restarts++;
          p.errors.length = 0;
          this.router.resetPartition(p.config.id);
          this.logbooks.resetPartition(p.config.id);
          p.vm.restart(e.mode, t.startCondition);
          break;
        case "enterNormal":
          break;
        default: {
          const unreachable: never = e;
          throw new Error(`unhandled mode effect ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }

  private notice(text: string): void {
    this.opts.onNotice?.(this.now, text);
  }

  private result(): ModuleRunResult {
    return {
      end: this.shutdown === undefined ? { kind: "timeReached" } : { kind: "shutdown", ...this.shutdown },
      time: this.now,
      partitions: [...this.partitions.values()].map((p) => ({ ...p.stats })),
      hmLog: this.hmLog.entries(),
      hmDropped: this.hmLog.dropped,
    };
  }
}

type PartitionVmExit = ReturnType<PartitionVm["run"]>["exit"];

/**
 * Kernel-detected errors waiting for the partition's error handler (GET_ERROR_STATUS). When full, a
 * further PROCESS-level error is handled at partition level and says so in the HM log: never dropped.
 */
const MAX_QUEUED_ERRORS = 16;

/** The KernelApi fields read at the moment a service asks (getters). */
type LiveKernelFields = Pick<KernelApi, "now" | "nowNs" | "mode" | "timing">;

/** `rest` (plain properties, kept in V8's fast mode) with the getters of `live` reached through its prototype. */
function withLiveFields(live: LiveKernelFields, rest: Omit<KernelApi, keyof LiveKernelFields>): KernelApi {
  return Object.setPrototypeOf(rest, live) as KernelApi;
}
