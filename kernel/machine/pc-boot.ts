// Boots one Multiboot v1 kernel on a PC machine (pc-machine.ts, the same PC as FV partitions) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle (the loop is pc-run-loop.ts, shared with FV
// partitions). Argument parsing and printing belong to the CLI.
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import type { CpuExit } from "../cpu/exit";
import { planKernelLoad, type KernelPlan } from "./kernel-plan";
import type { BootModule } from "../loader/multiboot-info";
import type { Nanos } from "../mem/types";
import { prepareMachine, saveMachine } from "../snapshot/machine-state";
import { countedInput, encodeInputPosition, inputPosition, readInputPosition, replayInput, type CountedInput, type InputPosition } from "../snapshot/input-position";
import { readFields } from "../snapshot/json-fields";
import type { Json, SnapshotMachine } from "../snapshot/snapshot-file";
import type { BlockStore } from "../disk/block-store";
import { ATA_PRIMARY } from "../devices/ata/ata-registers";
import { CycleClock } from "./cycle-clock";
import { DEFAULT_PC_DEVICES } from "./device-catalog";
import { PcRunLoop } from "./pc-run-loop";
import { bufferSource, type InputSource, type PacedInput } from "./serial-input";
import { PC_BOOT_LOADER_NAME, PC_IRQ, PcMachine } from "./pc-machine";

/** What to boot and where its console goes. */
export interface BootOptions {
  /** The kernel file's bytes. */
  elf: Uint8Array;
  /** The kernel's path as given: the command line the guest sees is "PATH APPEND", as QEMU builds it. */
  elfPath: string;
  /** Guest RAM in bytes (default 64 MiB). */
  memoryBytes?: number;
  /** Text after the path on the kernel command line (QEMU's -append). */
  commandLine?: string;
  /** Stop after this many instructions (default: no limit). */
  maxInstructions?: number;
  /** COM1 output, flushed after every run slice. */
  stdout: (bytes: Uint8Array) => void;
  /** Bytes for COM1's receiver and the PS/2 keyboard, as if `input` were a piped source. */
  stdin?: Uint8Array;
  /** Console input (a pipe, a file or a terminal), paced at COM1's baud rate in virtual time (serial-input.ts). */
  input?: InputSource;
  /** Reset (triple fault, i8042 reset line, port 0xCF9) boots the kernel again instead of ending the run. */
  reboot?: boolean;
  /** Told about every machine reset that reboots (with `reboot`), with its cause. */
  onReset?: (cause: string) => void;
  /** Port 0xE9 output; without it the port is unmapped, as in QEMU without -debugcon. */
  debugConsole?: (bytes: Uint8Array) => void;
  /** CPU clock of the cost model (default 100 MHz). */
  clockHz?: number;
  /** Multiboot modules (QEMU's -initrd), each with its string (by convention "PATH ARGS"). */
  modules?: readonly BootModule[];
  /** Keep the machine for a snapshot of its final state (BootResult.snapshot). */
  keepState?: boolean;
  /** The disk of the ATA primary master (`--drive`); it outlives reboots. The caller flushes it. */
  disk?: BlockStore;
}

/** How a run ended. */
export type BootEnd =
  | { kind: "debugExit"; status: number }
  | { kind: "tripleFault"; eip: number }
  /** The guest reset the machine (i8042 reset line, port 0xCF9) and `reboot` was not asked for. */
  | { kind: "reset"; cause: string }
  /** The user typed Ctrl-A x on the terminal. */
  | { kind: "userQuit" }
  | { kind: "halted"; reason: string }
  | { kind: "instructionLimit" }
  | { kind: "loadError"; message: string };

/** The ending and what it cost. */
export interface BootResult {
  end: BootEnd;
  instructions: number;
  cycles: number;
  /** How the machine was built, and its state at the end (for `--save`); absent when nothing was loaded. */
  params?: BootMachineParams;
  snapshot?: () => SnapshotMachine;
}

/** Default guest RAM. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** The loader name the guest finds in the Multiboot info. */
export const BOOT_LOADER_NAME = PC_BOOT_LOADER_NAME;
/** Longest run slice in cycles when no timer is armed (bounds output latency only, never results). */
const MAX_SLICE = 1_000_000;

/** Buffers bytes from a device and hands them on in chunks. */
class ChunkedSink {
  private buf: number[] = [];
  constructor(private readonly out: (bytes: Uint8Array) => void) {}
  write(byte: number): void {
    this.buf.push(byte);
  }
  flush(): void {
    if (this.buf.length === 0) return;
    this.out(Uint8Array.from(this.buf));
    this.buf = [];
  }
}

/** How a boot machine is built: what a snapshot records so that restore can build the same one. */
export interface BootMachineParams {
  readonly memoryBytes: number;
  readonly clockHz: number;
  /** Whether port 0xE9 is mapped (the debug console device exists). */
  readonly debugConsole: boolean;
  /** Console input goes to COM1 alone (a Linux boot: console=ttyS0), not to the PS/2 keyboard too. */
  readonly serialConsole?: boolean;
}

/** What resumeBoot needs: the checked snapshot pieces and where output goes. */
export interface BootResumeOptions {
  readonly params: BootMachineParams;
  readonly machine: SnapshotMachine;
  /** Total instruction count to stop at (counted from the original boot, not from the restore). */
  readonly maxInstructions?: number;
  readonly stdout: (bytes: Uint8Array) => void;
  readonly debugConsole?: (bytes: Uint8Array) => void;
  /** Keep the machine for a snapshot of its final state (BootResult.snapshot). */
  readonly keepState?: boolean;
  /**
   * Console input from here on, to the lines params.serialConsole says: the saved run's input again (its
   * consumed bytes are read and checked, then the line goes on from the saved position), or with
   * `freshInput` new input (snapshot/input-position.ts).
   */
  readonly input?: InputSource;
  readonly freshInput?: boolean;
}

type Created = { ok: true; session: BootSession } | { ok: false; message: string };

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault or reset, a final halt or the instruction limit. */
export function bootMultiboot(opts: BootOptions): BootResult {
  return runToEnd(BootSession.create(opts));
}

/** Builds a fresh PC, checks the snapshot against it, restores it and runs on; a bad snapshot is a loadError naming the part. */
export function resumeBoot(opts: BootResumeOptions): BootResult {
  return runToEnd(BootSession.restore(opts));
}

function runToEnd(s: Created): BootResult {
  if (!s.ok) return { end: { kind: "loadError", message: s.message }, instructions: 0, cycles: 0 };
  for (;;) {
    const r = s.session.slice();
    if (r !== null && r !== "paused") return r;
    if (r === "paused") throw new Error("a boot without a debugger cannot pause");
  }
}

function readBootExtra(extra: Json): { idleCycles: number; input: InputPosition | undefined } | string {
  const r = readFields(extra, "machine note boot", (f) => ({ idleCycles: f.int("idleCycles", 0, Number.MAX_SAFE_INTEGER), input: readInputPosition(f, "input") }));
  return r.ok ? r.value : r.error;
}

/** What a fresh boot does besides loading the kernel: console input and resets. */
interface PowerOn {
  readonly plan: KernelPlan;
  readonly input: CountedInput | undefined;
  readonly reboot: boolean;
  readonly onReset: ((cause: string) => void) | undefined;
}

/**
 * One booted PC, run slice by slice so that a shell (the CLI, the gdb stub, the control socket) can look
 * in between. With `debug` set, run slices go through the vCPU's debugger (kernel/introspect). A reset
 * with `reboot` powers on a fresh machine (pc and clock change; the instruction count goes on).
 */
export class BootSession {
  private machine!: PcMachine;
  private clk!: CycleClock;
  private readonly loop: PcRunLoop;
  private exitStatus: number | null = null;
  private resetCause: string | null = null;
  private quit = false;
  private paced: PacedInput | undefined;
  /** The console input's source, counted across reboots (a snapshot records its position). */
  private counted: CountedInput | undefined;
  /** Instructions of earlier boots of this session: the limit covers the whole run. */
  private usedBefore = 0;
  private readonly serial: ChunkedSink;
  private readonly e9: ChunkedSink | undefined;
  private ended: BootResult | null = null;
  private powerOn: PowerOn | undefined;

  /** Plans the load (a bad image is a load error, nothing built) and boots the machine to its entry state. */
  static create(opts: BootOptions): Created {
    const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const planned = planKernelLoad(opts.elf, { memoryBytes, elfPath: opts.elfPath, commandLine: opts.commandLine ?? "", modules: opts.modules ?? [] });
    if (!planned.ok) return { ok: false, message: planned.message };
    const params: BootMachineParams = { memoryBytes, clockHz: opts.clockHz ?? DEFAULT_CLOCK_HZ, debugConsole: opts.debugConsole !== undefined, ...(planned.plan.kind === "linux" ? { serialConsole: true } : {}) };
    const session = new BootSession(params, opts.stdout, opts.debugConsole, opts.maxInstructions, opts.keepState === true, opts.disk);
    const source = opts.input ?? (opts.stdin !== undefined && opts.stdin.length > 0 ? bufferSource(opts.stdin) : undefined);
    const input = source === undefined ? undefined : countedInput(source);
    session.powerOn = { plan: planned.plan, input, reboot: opts.reboot === true, onReset: opts.onReset };
    session.boot();
    return { ok: true, session };
  }

  /** Builds the machine a snapshot describes and restores it; nothing is applied unless every part checks. */
  static restore(opts: BootResumeOptions): Created {
    const extra = readBootExtra(opts.machine.extra);
    if (typeof extra === "string") return { ok: false, message: extra };
    const session = new BootSession(opts.params, opts.stdout, opts.debugConsole, opts.maxInstructions, opts.keepState === true);
    const prepared = prepareMachine(opts.machine, session.pc.memory, session.pc.cpu, session.pc, () => session.clock.restoreIdle(extra.idleCycles));
    if (!prepared.ok) return { ok: false, message: prepared.error };
    const saved = extra.input;
    const input = opts.input === undefined ? undefined : countedInput(opts.input);
    const replay = input === undefined || saved === undefined ? undefined : replayInput(input, saved, opts.freshInput === true);
    if (replay !== undefined && !replay.ok) return { ok: false, message: replay.error };
    prepared.apply();
    if (input !== undefined) {
      const paced = session.startInput(input);
      if (replay !== undefined) paced.restoreState(replay.pacing);
    }
    return { ok: true, session };
  }

  private constructor(
    readonly params: BootMachineParams,
    stdout: (bytes: Uint8Array) => void,
    debugConsole: ((bytes: Uint8Array) => void) | undefined,
    private readonly limit: number | undefined,
    private readonly keepState: boolean,
    private readonly disk?: BlockStore,
  ) {
    this.serial = new ChunkedSink(stdout);
    // The debug console exists when the params say so, even if its output is discarded (a restore without --e9).
    this.e9 = params.debugConsole ? new ChunkedSink(debugConsole ?? (() => undefined)) : undefined;
    const clock = { cycles: () => this.clk.cycles(), cyclesUntil: (t: Nanos) => this.clk.cyclesUntil(t), skip: (n: number) => this.clk.skip(n) };
    this.loop = new PcRunLoop(clock, {
      stopRequested: () => this.exitStatus !== null || this.resetCause !== null || this.quit,
      neverWakes: () => this.neverWakes(),
      waitsOn: () => false, // boot's devices are all in the kernel
    });
    this.build();
  }

  /** Runs the vCPU in place of cpu.run when set (the debugger's run honours breakpoints and pauses). */
  get runner(): ((budget: number) => CpuExit) | null {
    return this.loop.runner;
  }
  set runner(r: ((budget: number) => CpuExit) | null) {
    this.loop.runner = r;
  }

  /** The machine now running (a reboot replaces it). */
  get pc(): PcMachine {
    return this.machine;
  }

  /** The clock of the machine now running. */
  get clock(): CycleClock {
    return this.clk;
  }

  /** Builds a powered-on PC with its own clock (cycle 0) and no kernel loaded. */
  private build(): void {
    let machine: PcMachine | undefined;
    const clock = new CycleClock(this.params.clockHz, () => machine?.cpu.cycles ?? 0);
    const pc = new PcMachine({
      memoryBytes: this.params.memoryBytes,
      now: () => clock.now(),
      serialOut: this.serial,
      ...(this.e9 !== undefined ? { debugConsoleOut: this.e9 } : {}),
      ...(this.disk !== undefined ? { devices: [...DEFAULT_PC_DEVICES, "ata"], disk: this.disk } : {}),
      requestExit: (status) => {
        this.exitStatus = status;
        machine?.cpu.requestStop("isa-debug-exit");
      },
      requestReset: (cause) => {
        this.resetCause ??= cause;
        machine?.cpu.requestStop("machine reset");
      },
      onTimerArmed: (at) => this.loop.timerArmed(at),
    });
    machine = pc;
    pc.cpu.unexecutedCycles = () => clock.idleCycles; // the TSC keeps counting while the CPU sleeps in HLT
    this.machine = pc;
    this.clk = clock;
    this.loop.attach(pc);
    this.resetCause = null;
    this.quit = false;
    this.paced = undefined;
  }

  /** Loads the kernel into the current machine and starts its console input. */
  private boot(): void {
    const p = this.powerOn;
    if (p === undefined) throw new Error("boot() of a session without a kernel plan");
    const pc = this.machine;
    // The BIOS data areas are in RAM already: a kernel loaded over them wins, as it would over a real BIOS's.
    if (p.plan.kind === "linux") pc.loadLinux(p.plan.plan);
    else pc.loadMultiboot(p.plan.plan);
    if (p.input !== undefined) this.startInput(p.input);
  }

  /**
   * Feeds console input to the machine. A Linux boot (params.serialConsole) reads its console from COM1
   * (console=ttyS0); its keyboard feeds tty0, which no one reads there, and a byte the keyboard took before
   * the shell opened ttyS0 would be lost to the shell.
   */
  private startInput(input: CountedInput): PacedInput {
    const pc = this.machine;
    this.counted = input;
    this.paced = pc.startConsoleInput(input, () => {
      this.quit = true;
      pc.cpu.requestStop("user quit");
    }, this.params.serialConsole === true);
    return this.paced;
  }

  /** The ending, once the run has ended. */
  get end(): BootResult | null {
    return this.ended;
  }

  private flush(): void {
    this.serial.flush();
    this.e9?.flush();
  }

  private instructions(): number {
    return this.usedBefore + this.machine.cpu.instructions;
  }

  private finish(end: BootEnd): BootResult {
    this.flush();
    const { pc, clock, paced, counted } = this;
    const input = paced === undefined || counted === undefined ? undefined : inputPosition(counted, paced.saveState());
    const snapshot = (): SnapshotMachine => saveMachine("boot", "pc", pc.memory, pc.cpu, pc, 0, { idleCycles: clock.idleCycles, input: encodeInputPosition(input) });
    this.ended = { end, instructions: this.instructions(), cycles: clock.cycles(), params: this.params, ...(this.keepState ? { snapshot } : {}) };
    return this.ended;
  }

  /** A reset (triple fault, reset line): with `reboot`, a fresh machine boots the kernel again; else the run ends. */
  private reset(end: Extract<BootEnd, { kind: "reset" | "tripleFault" }>): BootResult | null {
    const p = this.powerOn;
    if (p === undefined || !p.reboot) return this.finish(end);
    this.flush();
    p.onReset?.(end.kind === "reset" ? end.cause : `triple fault at eip 0x${end.eip.toString(16)}`);
    this.usedBefore += this.machine.cpu.instructions;
    this.build();
    this.boot();
    return null;
  }

  /** Ends the run now as halted for `reason` (a debugger's kill); the next slice returns the ending. */
  abort(reason: string): void {
    if (this.ended === null) this.finish({ kind: "halted", reason });
  }

  /** Runs one slice: the ending when the run is over, "paused" when the debugger holds the vCPU, else null. */
  slice(): BootResult | "paused" | null {
    if (this.ended !== null) return this.ended;
    const { clock, limit } = this;
    if (this.exitStatus !== null) return this.finish({ kind: "debugExit", status: this.exitStatus });
    if (this.resetCause !== null) return this.reset({ kind: "reset", cause: this.resetCause });
    if (this.quit) return this.finish({ kind: "userQuit" });
    if (limit !== undefined && this.instructions() >= limit) return this.finish({ kind: "instructionLimit" });
    // Every instruction costs at least one cycle, so this budget cannot overshoot the limit.
    const toLimit = limit === undefined ? Number.POSITIVE_INFINITY : limit - this.instructions();
    // MAX_SLICE bounds output latency only: such a slice may end at a block boundary; the limit is exact.
    const step = this.loop.step(Math.min(MAX_SLICE, toLimit), toLimit > MAX_SLICE);
    this.flush();
    switch (step.kind) {
      case "ran":
      case "budget":
      case "stopped":
        return null;
      case "paused":
        return "paused";
      case "asleep":
        // A boot has no windows: a sleeping CPU skips to the next timer, however far (neverWakes() ruled out none).
        if (step.next === null) return this.finish({ kind: "halted", reason: NO_TIMER });
        clock.idleUntil(step.next);
        return null;
      case "sleepsForever":
        return this.finish({ kind: "halted", reason: step.reason });
      case "tripleFault":
        return this.reset({ kind: "tripleFault", eip: this.machine.cpu.eip });
      case "waiting":
        throw new Error("boot's CPU waited on a served device, but boot has none");
      default: {
        const never: never = step;
        throw new Error(`unknown loop step ${JSON.stringify(never)}`);
      }
    }
  }

  /** Why the sleeping CPU can never wake: only timers (the PIT, the RTC, the APIC timer, paced input) wake a halted PC. */
  private neverWakes(): string | null {
    const { pc, paced } = this;
    const next = pc.timers.nextDeadline();
    // Input that waits for a guest that sleeps wakes nothing: only the line's own look is armed.
    const inputIdle = paced === undefined || paced.finished || paced.waitingForGuest;
    const onlyInput = paced !== undefined && !paced.finished && pc.timers.armedCount === 1;
    if (next === null || (onlyInput && inputIdle)) return NO_TIMER;
    if (timerIrqsMasked(pc) && inputIdle) return "hlt with the timer interrupt (IRQ0) masked";
    return null;
  }
}

const NO_TIMER = "hlt with interrupts enabled but no timer armed";

/**
 * True when no timer can wake the CPU: the local APIC is software-disabled (no APIC timer, no I/O APIC
 * delivery) and the PICs mask both timer IRQs (the PIT's IRQ0 and the RTC's IRQ8 behind the cascade).
 */
function timerIrqsMasked(pc: PcMachine): boolean {
  const pics = pc.pics;
  const slaveMasked = (line: number): boolean => pics === undefined || pics.master.isMasked(2) || pics.slave.isMasked(line - 8);
  // The ATA controller's busy timer raises IRQ14 (kernel/devices/ata): a disk command in flight wakes the CPU too.
  const picsMasked = pics === undefined || ((pics.master.isMasked(PC_IRQ.pit) || pc.pit === undefined) && (slaveMasked(PC_IRQ.rtc) || pc.rtc === undefined) && (slaveMasked(ATA_PRIMARY.irq) || pc.chips.ata === undefined));
  return !(pc.lapic?.softwareEnabled ?? false) && picsMasked;
}
