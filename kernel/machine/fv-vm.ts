// A full-virtualized partition: a Multiboot v1 kernel or a Linux bzImage on its own PcMachine, driven by the module runner
// in slices of module virtual time. It owns the partition's clock mapping (module time <-> machine
// cycles) and restart; the slicing itself (device deadlines, HLT fast-forward) is pc-run-loop.ts, shared with
// `boot`. Not scheduling or the HM.
import type { PartitionConfig, SystemConfig } from "../config/model";
import { fvPermittedServices, fvServiceState, serveApxCall } from "../devices/apx-services-call";
import { fvCallbackEntries, serveApxFault, serveApxReturn } from "../devices/apx-services-hm";
import { callbackOfUpcall, upcallOfCallback, UPCALL_LEVEL_VALUE } from "../devices/apx-services-upcall";
import type { HmDecision } from "../health/hm-decision";
import { PV_TRAP_VECTOR } from "../hypercall/generated/abi-generated";
import { permittedById, type PermittedById } from "../hypercall/dispatcher";
import type { PvVcpuState } from "../hypercall/pv-call";
import { guestPhys } from "../mem/types";
import { ERROR_CODE_VALUES } from "../health/system-state";
import type { Cpu } from "../cpu/cpu";
import type { ByteSink } from "../devices/device";
import type { BlockStore } from "../disk/block-store";
import { describeFailure, type HostFiles } from "../host/files";
import { INPUT_LIMITS } from "../host/read-limited";
import type { BootModule } from "../loader/multiboot-info";
import type { Nanos } from "../mem/types";
import { ModuleClock } from "../module/clock";
import type { ConsoleBytes } from "../module/console-mux";
import type { HmCallbackEntries } from "../module/hm-callback-entries";
import { PartitionLoadError } from "../module/load-error";
import { partitionRamBytes } from "../module/partition-memory";
import { DEBUG_STOP } from "../introspect/debugger";
import { CLI_HLT, PcRunLoop } from "./pc-run-loop";
import type { ErrorHandlerState, HmCallbackKind, KernelApi, PartitionVm, ServiceResult, VmExit, VmInternals, VmSlice } from "../module/partition-vm";
import { readFields, type Fields } from "../snapshot/json-fields";
import { prepareMachine, saveMachine, type Prepared } from "../snapshot/machine-state";
import type { SnapshotMachine } from "../snapshot/snapshot-file";
import { PcMachine } from "./pc-machine";
import { applyFvMemoryMap, fvSharedBlocks } from "./fv-memory-map";
import { PF } from "../cpu/faults";
import { planKernelLoad, type KernelPlan } from "./kernel-plan";
import { samplingPortLink, samplingPortsOf } from "./sampling-port-link";
import type { SamplingPortLink } from "../devices/sampling-ports";
import type { PortServices } from "../module/partition-vm";
import { IoreqClient, IOREQ_STOP, readPendingIn } from "../ioreq/ioreq-client";
import type { IoreqHub } from "../ioreq/ioreq-hub";
import { readMmioReplay } from "../ioreq/ioreq-mmio";
import { kernelDevicesBeside } from "../ioreq/served-devices";
import type { InputSource, PacedInput } from "./serial-input";
import { countedInput, encodeInputPosition, inputPosition, readInputPosition, replayInput, type CountedInput } from "../snapshot/input-position";

/** What createFvVm needs: the partition, its image and where its console goes. */
export interface FvVmOptions {
  readonly partition: PartitionConfig;
  /** Folder of the XML file (paths in the config are already resolved against it). */
  readonly configDir: string;
  /** COM1 and port 0xE9 output, byte by byte, each with the machine time at which it left the device. */
  readonly console: ConsoleBytes;
  /** Module CPU clock in Hz. */
  readonly clockHz: number;
  /** The kernel file's bytes. */
  readonly image: Uint8Array;
  /** The kernel's path: the guest's command line is "PATH COMMANDLINE", as QEMU builds it. */
  readonly imagePath: string;
  /** Multiboot modules already read (a Linux kernel: its initrd); when absent, PartitionGuestConfig.modules/initrd are read through `files`. */
  readonly modules?: readonly { readonly path: string; readonly data: Uint8Array }[];
  /** Where to read PartitionGuestConfig.modules when `modules` is absent. */
  readonly files?: HostFiles;
  /** Console input (COM1 and the PS/2 keyboard, paced at COM1's baud rate); a terminal's Ctrl-A x ends the run ("quit"). */
  readonly input?: InputSource;
  /** On a restore, `input` is new input from the restored instant on, not the saved run's input again (snapshot/input-position.ts). */
  readonly freshInput?: boolean;
  /** The disk of the partition's "ata" device (opened by the builder; it outlives restarts). */
  readonly disk?: BlockStore;
  /** The module's forwarded-device routing, when some device of this partition is served by a partition. */
  readonly ioreq?: IoreqHub;
  /** The module's port services bound to this partition, behind its "sampling_ports" device (asked at the first access). */
  readonly ports?: () => PortServices;
  /** The module's configuration: with it, an "apx_services" device in the partition's list serves APEX calls. */
  readonly config?: SystemConfig;
}

const NS_PER_S = 1_000_000_000n;
/** Smallest FV RAM: conventional memory, the firmware areas and a kernel loaded at 1 MiB. */
const MIN_FV_RAM_BYTES = 2 * 1024 * 1024;

/**
 * Hands each console byte on at once, stamped with the machine time of the write (the UART sends at
 * once: its transmitter is always empty). A line's time is then that of its last byte, whatever slices
 * the run was cut into; stamping with the slice's start (as once done) moved lines when a save cut a slice.
 */
class TimedSink implements ByteSink {
  constructor(
    private readonly out: ConsoleBytes,
    private readonly now: () => Nanos,
  ) {}
  write(byte: number): void {
    this.out(Uint8Array.of(byte), this.now());
  }
}

/**
 * Time rule: machine time = module time at the start of the slice + the slice's machine cycles
 * (executed + idled) at the module clock. Between windows the machine does not run; at the next
 * slice its clock jumps to the module's time, so every device timer that fell in the gap fires once
 * (the PIT/RTC/APIC timer re-arm from "now": one pending interrupt per source, as on hardware whose
 * CPU was not listening), and the PIT count, RTC and APIC timer count show the time that passed.
 * RDTSC follows module time since the machine's boot too (Cpu.unexecutedCycles adds the halted cycles and the
 * gaps between slices to the executed ones), so the TSC agrees with the PIT and the APIC timer.
 *
 * Halt rule: a HLT with IF=1 fast-forwards to the next device deadline inside the budget (the idle
 * cycles count in the slice's cycles); when no deadline falls inside the budget, or IF=0, the slice
 * ends with "halt" (idle for the rest of the window) and the cycles actually spent.
 */
export class FvVm implements PartitionVm {
  private machine: PcMachine;
  /** The vCPU of the current boot; undefined while a machine is being built (its devices already ask the time). */
  private cpu: Cpu | undefined;
  private readonly clock: ModuleClock;
  private readonly hz: bigint;
  private readonly serial: TimedSink;
  private readonly plan: KernelPlan;
  /** The partition's sampling ports for its "sampling_ports" device (undefined: the partition has none). */
  private readonly samplingPorts: SamplingPortLink | undefined;
  private sliceStart: Nanos = 0n as Nanos;
  /** Module time of the current boot's cycle 0. */
  private bootAt: Nanos = 0n as Nanos;
  private sliceStartCycle = 0;
  private idle = 0;
  private exitStatus: number | null = null;
  /** Why the guest reset its PC in this slice (i8042 reset line, port 0xCF9), or null. */
  private resetCause: string | null = null;
  /** The vCPU of the current boot shut down (triple fault): nothing of the guest can run any more. */
  private shutDown = false;
  /** The user asked to leave (Ctrl-A x on the terminal feeding this partition). */
  private quit = false;
  private readonly loop: PcRunLoop;
  /** The served devices' end on this PC (undefined when the partition has none). */
  private readonly ioreq: IoreqClient | undefined;
  /** The disk belongs to a served ata (the hub has it), not to this PC's own controller. */
  private readonly diskServed: boolean;
  /** Console input, counted across restarts (a snapshot records its position), and its pacing on the current PC. */
  private readonly input: CountedInput | undefined;
  private paced: PacedInput | undefined;
  /**
   * The APEX services behind the partition's "apx_services" device (undefined: it has none, or no module), the HM
   * callbacks its image defines, and the process the last fault report named (for the upcall record).
   */
  private readonly apx: { readonly permitted: PermittedById; vcpu: PvVcpuState; readonly callbacks: HmCallbackEntries; reporter: number } | undefined;

  constructor(private readonly opts: FvVmOptions) {
    this.clock = new ModuleClock(opts.clockHz);
    this.input = opts.input === undefined ? undefined : countedInput(opts.input);
    this.hz = BigInt(opts.clockHz);
    this.serial = new TimedSink(opts.console, () => this.now());
    const clock = { cycles: () => this.machineCycles(), cyclesUntil: (t: Nanos) => this.cyclesUntil(t), skip: (n: number) => void (this.idle += n) };
    this.loop = new PcRunLoop(clock, { stopRequested: () => this.exitStatus !== null || this.resetCause !== null || this.quit || this.callPending() || this.cpu?.writeViolation != null, neverWakes: () => null, waitsOn: (reason) => reason === IOREQ_STOP });
    const p = opts.partition;
    const memoryBytes = partitionRamBytes(p);
    if (memoryBytes < MIN_FV_RAM_BYTES) {
      throw new PartitionLoadError(p.name, opts.imagePath, p.guest.pos ?? p.pos, `an FV partition needs at least 2 MiB of RAM (the kernel loads at 1 MiB), got ${memoryBytes} bytes`);
    }
    // Multiboot or Linux by the file's header (or apx:Guest Format), as `boot` and QEMU's -kernel decide.
    const planned = planKernelLoad(opts.image, { memoryBytes, elfPath: opts.imagePath, commandLine: p.guest.commandLine, modules: readModules(opts), format: p.guest.format ?? "auto" });
    if (!planned.ok) throw new PartitionLoadError(p.name, opts.imagePath, p.guest.pos ?? p.pos, planned.message);
    this.plan = planned.plan;
    const config = opts.config;
    const withApx = config !== undefined && this.deviceList().some((d) => d.toLowerCase() === "apx_services");
    // The HM callbacks run on the device's upcall line: without an Irq there is none to find.
    const callbacks = withApx && p.guest.apxIrq !== undefined ? fvCallbackEntries(opts.image, config, p) : {};
    if (typeof callbacks === "string") throw new PartitionLoadError(p.name, opts.imagePath, p.guest.pos ?? p.pos, callbacks);
    this.apx = withApx ? { permitted: permittedById(fvPermittedServices(p, config)), vcpu: this.serviceState(), callbacks, reporter: 0 } : undefined;
    const ports = opts.ports;
    this.samplingPorts = ports !== undefined && samplingPortsOf(p).length > 0 ? samplingPortLink(p, ports) : undefined;
    const hub = opts.ioreq;
    this.ioreq = hub !== undefined && hub.devicesOf(p.id).length > 0 ? new IoreqClient(hub, p.id, () => this.now()) : undefined;
    // A served ata's disk is reached by its server through the block services, not by an in-kernel controller.
    const servedAta = this.ioreq?.devices.find((d) => d.spec.type === "ata");
    this.diskServed = servedAta !== undefined;
    if (hub !== undefined && this.ioreq !== undefined) {
      if (servedAta !== undefined && opts.disk !== undefined) hub.disks.set(p.id, servedAta.server, opts.disk);
      hub.setIrqSink(p.id, (line, level) => this.machine.setIsaIrq(line, level));
    }
    this.machine = this.boot(0n as Nanos);
  }

  /** The machine of the current boot (tests read its devices, e.g. the CGA screen). */
  get pc(): PcMachine {
    return this.machine;
  }

  run(budget: number, now: Nanos): VmSlice {
    this.sliceStart = now;
    this.sliceStartCycle = this.machineCycles();
    const io = this.ioreq;
    if (io !== undefined) {
      io.resume(now);
      // Still waiting on the I/O server: nothing of this partition runs in this window.
      if (io.blocked()) return { exit: { kind: "halt" }, cycles: 0 };
    }
    return this.runSlice(budget);
  }

  /**
   * Both starts build a fresh PC (devices, vCPU at the image's entry with the boot loader's registers) and load
   * the image. COLD_START stops there. WARM_START then puts back the whole RAM as it was (code, .data, heap,
   * stacks, the boot loader's info), as a PV warm start keeps it: the guest's startup decides what it
   * re-initializes (the RTOS zeroes .bss, so application data in .data survives). The error-handler state
   * the guest declared through apx_services is forgotten on either start.
   */
  restart(mode: "COLD_START" | "WARM_START"): void {
    const old = this.machine.memory;
    const kept = mode === "WARM_START" ? old.readBytes(guestPhys(0), old.size) : undefined;
    this.machine = this.boot(this.now());
    if (kept !== undefined) {
      this.machine.memory.writeBytes(guestPhys(0), kept);
      // The boot loader's information is handed over fresh on either start: the guest may have reused its pages
      // (the pc BSP's allocator starts right after the image, where the info lies), and a warm-started guest reads
      // its RAM size from it again.
      const plan = this.plan;
      const info = plan.kind === "multiboot" ? plan.plan.chunks.find((c) => c.addr === plan.plan.infoAddr) : undefined;
      if (info !== undefined) this.machine.memory.writeBytes(info.addr, info.bytes);
    }
    if (this.apx !== undefined) {
      this.apx.vcpu = this.serviceState();
      this.apx.reporter = 0;
    }
  }

  /** The caller state of a fresh apx_services device: its memory blocks are the partition's shared window. */
  private serviceState(): PvVcpuState {
    const p = this.opts.partition;
    return { ...fvServiceState(p, partitionRamBytes(p)), memoryBlocks: fvSharedBlocks(p) };
  }

  /** The guest sets its own operating modes through apx_services (no device: NORMAL as soon as it runs). */
  get apexModes(): boolean {
    return this.apx !== undefined;
  }

  /** Serves what the apx_services device latched: a callback's return first, then a fault report, then a call. */
  serviceHypercall(vector: number, kernel: KernelApi): ServiceResult {
    const device = this.machine.chips.apxServices;
    const apx = this.apx;
    if (apx === undefined || device === undefined || vector !== PV_TRAP_VECTOR) return { kind: "error", fault: "illegalRequest", message: `no paravirt call of vector ${vector} waits in this machine` };
    const m = this.machine;
    const call = { cpu: m.cpu, memory: m.memory, device, vcpu: apx.vcpu, permitted: apx.permitted, kernel };
    const returned = device.takeReturn();
    if (returned !== null) return serveApxReturn(call, returned);
    const fault = device.takeFault();
    if (fault !== null) {
      const served = serveApxFault(call, fault, (id) => void (apx.reporter = id));
      apx.reporter = 0; // named only in the upcall this report posts
      return served;
    }
    return serveApxCall(call);
  }

  /**
   * The error-handler state the guest declared (hm_set_handler_state); a kernel-detected fault reaches the
   * handler through the HM upcall when the apx_services device has an upcall line (apx:Device Irq).
   */
  errorHandler(): { readonly state: ErrorHandlerState; readonly deliverable: boolean } {
    // A CPU that shut down (triple fault) runs no handler: that error stays at partition level.
    return { state: this.apx?.vcpu.hmHandler ?? "none", deliverable: this.machine.chips.apxServices?.hasLine === true && !this.shutDown };
  }

  /**
   * Posts the error-handler record on the upcall line. While an earlier record waits unacknowledged the line
   * stays up and this one waits in the kernel's queue only (the guest drains it with hm_get_error_status).
   */
  raiseHmUpcall(d: HmDecision, failedAddress: number): void {
    const device = this.machine.chips.apxServices;
    if (device === undefined || this.apx === undefined) return;
    const record = { kind: "errorHandler" as const, code: ERROR_CODE_VALUES[d.errorCode], level: UPCALL_LEVEL_VALUE[d.level], failedAddress, process: this.apx.reporter, errorId: d.errorId, systemState: d.logEntry.systemState, partition: this.opts.partition.id, entry: 0 };
    device.post(record);
  }

  hasHmCallback(kind: HmCallbackKind): boolean {
    return this.apx?.callbacks[kind] !== undefined;
  }

  /**
   * Posts the callback on the upcall line with its arguments (error code, identifier, system state and, for the
   * ModuleCallback, the partition in error): the guest's interrupt handler calls it and ACKs its return.
   * "none" when the image has no such callback or a record waits already.
   */
  enterHmCallback(kind: HmCallbackKind, args: readonly number[]): "entered" | "none" | "badStack" {
    const entry = this.apx?.callbacks[kind];
    const device = this.machine.chips.apxServices;
    if (entry === undefined || device === undefined) return "none";
    const record = {
      kind: upcallOfCallback(kind),
      code: args[0] ?? 0,
      level: kind === "module" ? UPCALL_LEVEL_VALUE.MODULE : UPCALL_LEVEL_VALUE.PARTITION,
      failedAddress: 0,
      process: 0,
      errorId: args[1] ?? 0,
      systemState: args[2] ?? 0,
      partition: args[3] ?? this.opts.partition.id,
      entry,
    };
    return device.post(record) ? "entered" : "none";
  }

  /** Withdraws a callback record the guest has not taken (the callback's time ran out, or an error ended it). */
  leaveHmCallback(): void {
    const device = this.machine.chips.apxServices;
    const waiting = device?.upcall;
    if (waiting != null && callbackOfUpcall(waiting.kind) !== undefined) device?.withdraw();
  }

  /** True when the apx_services device latched something (a call, a fault report, a callback return) the kernel has not served yet. */
  private callPending(): boolean {
    return this.machine?.chips.apxServices?.busy === true;
  }

  introspect(): VmInternals {
    const m = this.machine;
    return {
      cpu: m.cpu,
      memory: m.memory,
      pulseIrq: (line) => m.pulseIrq(line),
    };
  }

  instructionBytes(): Uint8Array {
    const cpu = this.machine.cpu;
    const out: number[] = [];
    for (let i = 0; i < 15; i++) {
      const lin = (cpu.segBase[1]! + cpu.eip + i) | 0;
      const phys = cpu.probe(lin, false, cpu.cpl === 3);
      if (phys < 0 || !this.machine.memory.isRam(phys)) break;
      out.push(this.machine.memory.u8[phys]!);
    }
    return Uint8Array.from(out);
  }

  snapshot(): SnapshotMachine {
    const m = this.machine;
    const extra = {
      sliceStart: this.sliceStart.toString(),
      bootAt: this.bootAt.toString(),
      sliceStartCycle: this.sliceStartCycle,
      idle: this.idle,
      exitStatus: this.exitStatus,
      input: encodeInputPosition(this.input === undefined || this.paced === undefined ? undefined : inputPosition(this.input, this.paced.saveState())),
      ...(this.ioreq === undefined ? {} : { ioreqIn: this.ioreq.saveState(), ioreqMmio: this.ioreq.mmio.saveState() }),
      ...(this.apx === undefined ? {} : { apx: { hmHandler: this.apx.vcpu.hmHandler, logged: [...this.apx.vcpu.logged].sort() } }),
    };
    return saveMachine(this.opts.partition.name, "pc", m.memory, m.cpu, m, 0, extra);
  }

  prepareRestore(saved: SnapshotMachine): Prepared {
    const name = this.opts.partition.name;
    const extra = readFields(saved.extra, `machine note ${name}`, (f) => ({
      sliceStart: f.nanos("sliceStart"),
      bootAt: f.nanos("bootAt"),
      sliceStartCycle: f.int("sliceStartCycle", 0, Number.MAX_SAFE_INTEGER),
      idle: f.int("idle", 0, Number.MAX_SAFE_INTEGER),
      exitStatus: f.intOrNull("exitStatus", 0, 0x1ff),
      input: readInputPosition(f, "input"),
      ioreqIn: this.ioreq === undefined ? undefined : readPendingIn(f.objOrNull("ioreqIn")),
      ioreqMmio: this.ioreq === undefined ? undefined : readMmioReplay(f.objOrNull("ioreqMmio")),
      apx: this.apx === undefined ? undefined : readApx(f.obj("apx")),
    }));
    if (!extra.ok) return extra;
    if (extra.value.bootAt > extra.value.sliceStart) return { ok: false, error: `machine note ${name}: bootAt is after sliceStart` };
    // The saved run's input again up to its position (or new input): read and checked before anything is applied.
    const savedInput = extra.value.input;
    const input = this.input;
    const replay = input === undefined || savedInput === undefined ? undefined : replayInput(input, savedInput, this.opts.freshInput === true);
    if (replay !== undefined && !replay.ok) return { ok: false, error: `machine note ${name}: ${replay.error}` };
    const m = this.machine;
    const prepared = prepareMachine(saved, m.memory, m.cpu, m, () => {
      this.ioreq?.restoreState(extra.value.ioreqIn);
      this.ioreq?.mmio.restoreState(extra.value.ioreqMmio);
      // The machine's clock first: restored devices re-arm their timers from now().
      this.sliceStart = extra.value.sliceStart;
      this.bootAt = extra.value.bootAt;
      this.sliceStartCycle = extra.value.sliceStartCycle;
      this.idle = extra.value.idle;
      this.exitStatus = extra.value.exitStatus ?? null;
      const apx = extra.value.apx;
      if (this.apx !== undefined && apx !== undefined) {
        this.apx.vcpu.hmHandler = apx.hmHandler;
        this.apx.vcpu.logged.clear();
        for (const k of apx.logged) this.apx.vcpu.logged.add(k);
      }
    });
    if (!prepared.ok) return prepared;
    return {
      ok: true,
      apply: () => {
        prepared.apply();
        // Input where the saved machine had none starts from the restored instant, as at a boot.
        if (replay !== undefined) this.paced?.restoreState(replay.pacing);
        else this.paced?.start();
      },
    };
  }

  /** Builds and loads a fresh machine whose cycle 0 is module time `at`. */
  private boot(at: Nanos): PcMachine {
    this.cpu = undefined;
    this.bootAt = at;
    this.sliceStart = at;
    this.sliceStartCycle = 0;
    this.idle = 0;
    this.exitStatus = null;
    this.resetCause = null;
    this.shutDown = false;
    const m = new PcMachine({
      memoryBytes: partitionRamBytes(this.opts.partition),
      now: () => this.now(),
      serialOut: this.serial,
      debugConsoleOut: this.serial,
      devices: this.deviceList(),
      ...(this.samplingPorts !== undefined ? { samplingPorts: this.samplingPorts } : {}),
      ...(this.apx !== undefined ? { apxServices: { requestCall: () => this.cpu?.requestStop("apx_services call"), identity: { name: this.opts.partition.name, systemPartition: this.opts.partition.systemPartition }, ...(this.opts.partition.guest.apxIrq !== undefined ? { irq: this.opts.partition.guest.apxIrq } : {}) } } : {}),
      ...(this.opts.disk !== undefined && !this.diskServed ? { disk: this.opts.disk } : {}),
      requestExit: (status) => {
        this.exitStatus = status;
        this.cpu?.requestStop("isa-debug-exit");
      },
      requestReset: (cause) => {
        this.resetCause ??= cause;
        this.cpu?.requestStop("machine reset");
      },
      onTimerArmed: (at) => this.loop.timerArmed(at),
    });
    this.cpu = m.cpu;
    // The TSC follows module time since this boot (halts and other partitions' windows included), as the PIT and
    // the APIC timer do: Linux calibrates it against the PIT and keeps time by it.
    m.cpu.unexecutedCycles = () => this.clock.cyclesBetween(this.bootAt, this.sliceStart) - this.sliceStartCycle + this.idle;
    this.loop.attach(m);
    this.ioreq?.reset();
    this.ioreq?.wire(m.bus, m.cpu);
    if (this.plan.kind === "linux") m.loadLinux(this.plan.plan);
    else m.loadMultiboot(this.plan.plan);
    // READ_ONLY regions and shared blocks: protection applies to the guest from its first instruction, not to the loader.
    applyFvMemoryMap(m.memory, this.opts.partition, this.opts.config);
    const source = this.input;
    this.paced = undefined;
    if (source !== undefined) {
      // Console input paced like a serial line on this machine's time (serial-input.ts); the source outlives reboots.
      this.paced = m.startConsoleInput(source, () => {
        this.quit = true;
        this.cpu?.requestStop("user quit");
      });
    }
    return m;
  }

  /** The apx:Device list (beside served devices); the default PC gains "sampling_ports" when the partition has sampling ports. */
  private deviceList(): readonly string[] {
    const guest = this.opts.partition.guest;
    const list = kernelDevicesBeside(guest);
    return guest.devices.length === 0 && samplingPortsOf(this.opts.partition).length > 0 ? [...list, "sampling_ports"] : list;
  }

  private runSlice(budget: number): VmSlice {
    let used = 0;
    for (;;) {
      const step = this.loop.step(budget - used);
      used += step.cycles;
      switch (step.kind) {
        case "ran":
          continue;
        case "budget":
          return { exit: { kind: "budget" }, cycles: used };
        case "stopped":
          return { exit: this.stoppedExit(), cycles: used };
        case "waiting":
          return { exit: { kind: "halt" }, cycles: used }; // waits on its I/O server for the rest of the window
        case "paused":
          return { exit: { kind: "stop", reason: DEBUG_STOP }, cycles: used }; // the debugger holds the vCPU: give the window back
        case "asleep":
          return { exit: { kind: "halt" }, cycles: used }; // idle for the rest of the window
        case "sleepsForever":
          // With IF=0 no NMI is modelled, so nothing can ever wake the guest; say so (as `boot` does).
          return { exit: { kind: "stop", reason: step.reason === CLI_HLT ? "halted with interrupts disabled (cli; hlt), nothing can wake it" : step.reason }, cycles: used };
        case "tripleFault":
          this.shutDown = true;
          return { exit: { kind: "tripleFault" }, cycles: used };
        default: {
          const never: never = step;
          throw new Error(`unknown loop step ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Why the owner stopped the loop: a debug-exit write, a reset of the PC (with its cause), or the user's Ctrl-A x. */
  private stoppedExit(): VmExit {
    if (this.exitStatus !== null) return { kind: "stop", reason: `debug-exit status ${this.exitStatus}` };
    if (this.resetCause !== null) return { kind: "reset", cause: this.resetCause };
    const cpu = this.cpu;
    const denied = cpu?.writeViolation;
    if (cpu !== undefined && denied != null) {
      // The second-level protection refused a store: the kernel's #PF exit (P|W, and U at CPL 3) with the linear
      // address as CR2, so the HM tables see a MEMORY_VIOLATION at the storing instruction as for a PV store into
      // a read-only page. The guest's own CR2 and IDT never see it.
      cpu.writeViolation = null;
      return { kind: "fault", vector: PF, errorCode: 3 | (denied.user ? 4 : 0), eip: denied.eip, cr2: denied.linear };
    }
    // A call through apx_services leaves as the trap does: the runner serves it with this partition's KernelApi.
    if (this.callPending()) return { kind: "hypercall", vector: PV_TRAP_VECTOR };
    return { kind: "quit" };
  }

  private machineCycles(): number {
    return (this.cpu?.cycles ?? 0) + this.idle;
  }

  /** Machine time: the slice's start plus its cycles at the module clock. */
  private now(): Nanos {
    return this.clock.advance(this.sliceStart, this.machineCycles() - this.sliceStartCycle);
  }

  /** Machine cycles from now until now() >= t (0 when already there). */
  private cyclesUntil(t: Nanos): number {
    if (t <= 0n) return 0;
    // The first cycle count c with ceil(c * 1e9 / hz) >= t.
    const target = ((t - 1n) * this.hz) / NS_PER_S + 1n;
    const d = Number(target - this.clock.cyclesAt(this.sliceStart)) - (this.machineCycles() - this.sliceStartCycle);
    return d > 0 ? d : 0;
  }

}

/** Builds the FV machine of `opts.partition`; throws PartitionLoadError for a bad kernel (neither Multiboot nor a bzImage), module or initrd. */
export function createFvVm(opts: FvVmOptions): PartitionVm {
  return new FvVm(opts);
}

function readModules(opts: FvVmOptions): BootModule[] {
  if (opts.modules !== undefined) return opts.modules.map((m) => ({ data: m.data, string: m.path }));
  const p = opts.partition;
  const initrd = p.guest.initrd;
  return (initrd !== undefined ? [initrd] : p.guest.modules).map((path) => {
    const r = opts.files?.read(path, INPUT_LIMITS.image) ?? { ok: false, reason: "other", message: "no file access was given" };
    if (r.ok) return { data: r.bytes, string: path };
    throw new PartitionLoadError(p.name, path, p.guest.pos ?? p.pos, `cannot read ${path === initrd ? "initrd" : "Multiboot module"}: ${describeFailure(r)}`);
  });
}

/** The apx_services caller state of a machine note: the declared error-handler state and the notices given once. */
function readApx(f: Fields): { readonly hmHandler: ErrorHandlerState; readonly logged: readonly string[] } {
  const logged = f.list("logged", 1024);
  return { hmHandler: f.oneOf("hmHandler", ["none", "ready", "running"] as const), logged: logged.map((v) => String(v).slice(0, 256)) };
}
