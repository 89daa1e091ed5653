// Boots one Multiboot v1 kernel on a PC machine (pc-machine.ts, the same PC as FV partitions) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle. Argument parsing and printing belong to the CLI.
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import type { CpuExit } from "../cpu/exit";
import { IF } from "../cpu/flags";
import { DEBUG_STOP } from "../introspect/debugger";
import { planMultibootLoad } from "../loader/multiboot";
import type { BootModule } from "../loader/multiboot-info";
import { prepareMachine, saveMachine } from "../snapshot/machine-state";
import type { Json, SnapshotMachine } from "../snapshot/snapshot-file";
import { CycleClock } from "./cycle-clock";
import { multibootCommandLine, PC_BOOT_LOADER_NAME, PC_IRQ, PcMachine } from "./pc-machine";

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
  /** Bytes queued for COM1's receiver before the kernel starts (deterministic: no host timing). */
  stdin?: Uint8Array;
  /** Port 0xE9 output; without it the port is unmapped, as in QEMU without -debugcon. */
  debugConsole?: (bytes: Uint8Array) => void;
  /** CPU clock of the cost model (default 100 MHz). */
  clockHz?: number;
  /** Multiboot modules (QEMU's -initrd), each with its string (by convention "PATH ARGS"). */
  modules?: readonly BootModule[];
  /** Keep the machine for a snapshot of its final state (BootResult.snapshot). */
  keepState?: boolean;
}

/** How a run ended. */
export type BootEnd =
  | { kind: "debugExit"; status: number }
  | { kind: "tripleFault"; eip: number }
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
}

/** What resumeBoot needs: the checked snapshot pieces and where output goes. */
export interface BootResumeOptions {
  readonly params: BootMachineParams;
  readonly machine: SnapshotMachine;
  /** Total instruction count to stop at (counted from the original boot, not from the restore). */
  readonly maxInstructions?: number;
  readonly stdout: (bytes: Uint8Array) => void;
  readonly debugConsole?: (bytes: Uint8Array) => void;
}

type Created = { ok: true; session: BootSession } | { ok: false; message: string };

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault, a final halt or the instruction limit. */
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

function readBootExtra(extra: Json): { idleCycles: number } | string {
  const idle = typeof extra === "object" && extra !== null && !Array.isArray(extra) ? extra["idleCycles"] : undefined;
  if (typeof idle !== "number" || !Number.isSafeInteger(idle) || idle < 0) return "machine note boot: field extra.idleCycles: expected a non-negative integer";
  return { idleCycles: idle };
}

/**
 * One booted PC, run slice by slice so that a shell (the CLI, the gdb stub, the control socket) can look
 * in between. With `debug` set, run slices go through the vCPU's debugger (kernel/introspect).
 */
export class BootSession {
  readonly pc: PcMachine;
  readonly clock: CycleClock;
  /** Runs the vCPU in place of cpu.run when set (the debugger's run honours breakpoints and pauses). */
  runner: ((budget: number) => CpuExit) | null = null;
  private exitStatus: number | null = null;
  /** Machine cycle at which the current run slice ends; a sooner timer armed mid-slice stops the CPU early. */
  private sliceEnd = Number.POSITIVE_INFINITY;
  private resliced = false;
  private readonly serial: ChunkedSink;
  private readonly e9: ChunkedSink | undefined;
  private ended: BootResult | null = null;

  /** Plans the load (a bad image is a load error, nothing built) and boots the machine to its entry state. */
  static create(opts: BootOptions): Created {
    const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const planned = planMultibootLoad(opts.elf, {
      memoryBytes,
      commandLine: multibootCommandLine(opts.elfPath, opts.commandLine ?? ""),
      bootLoaderName: BOOT_LOADER_NAME,
      ...(opts.modules !== undefined ? { modules: opts.modules } : {}),
    });
    if (!planned.ok) return { ok: false, message: planned.error.message };
    const params: BootMachineParams = { memoryBytes, clockHz: opts.clockHz ?? DEFAULT_CLOCK_HZ, debugConsole: opts.debugConsole !== undefined };
    const session = new BootSession(params, opts.stdout, opts.debugConsole, opts.maxInstructions, opts.keepState === true);
    // The BIOS data areas are in RAM already: a kernel loaded over them wins, as it would over a real BIOS's.
    session.pc.loadMultiboot(planned.plan);
    if (opts.stdin !== undefined && opts.stdin.length > 0) session.pc.com1?.receive(opts.stdin);
    return { ok: true, session };
  }

  /** Builds the machine a snapshot describes and restores it; nothing is applied unless every part checks. */
  static restore(opts: BootResumeOptions): Created {
    const extra = readBootExtra(opts.machine.extra);
    if (typeof extra === "string") return { ok: false, message: extra };
    const session = new BootSession(opts.params, opts.stdout, opts.debugConsole, opts.maxInstructions, false);
    const prepared = prepareMachine(opts.machine, session.pc.memory, session.pc.cpu, session.pc, () => session.clock.restoreIdle(extra.idleCycles));
    if (!prepared.ok) return { ok: false, message: prepared.error };
    prepared.apply();
    return { ok: true, session };
  }

  private constructor(
    readonly params: BootMachineParams,
    stdout: (bytes: Uint8Array) => void,
    debugConsole: ((bytes: Uint8Array) => void) | undefined,
    private readonly limit: number | undefined,
    private readonly keepState: boolean,
  ) {
    this.serial = new ChunkedSink(stdout);
    // The debug console exists when the params say so, even if its output is discarded (a restore without --e9).
    this.e9 = params.debugConsole ? new ChunkedSink(debugConsole ?? (() => undefined)) : undefined;
    let machine: PcMachine | undefined;
    this.clock = new CycleClock(params.clockHz, () => machine?.cpu.cycles ?? 0);
    const pc = new PcMachine({
      memoryBytes: params.memoryBytes,
      now: () => this.clock.now(),
      serialOut: this.serial,
      ...(this.e9 !== undefined ? { debugConsoleOut: this.e9 } : {}),
      requestExit: (status) => {
        this.exitStatus = status;
        machine?.cpu.requestStop("isa-debug-exit");
      },
      onTimerArmed: (at) => {
        if (machine === undefined || this.clock.cycles() + this.clock.cyclesUntil(at) >= this.sliceEnd) return;
        this.resliced = true;
        machine.cpu.requestStop("timer armed inside the slice");
      },
    });
    machine = pc;
    this.pc = pc;
  }

  /** The ending, once the run has ended. */
  get end(): BootResult | null {
    return this.ended;
  }

  private flush(): void {
    this.serial.flush();
    this.e9?.flush();
  }

  private finish(end: BootEnd): BootResult {
    this.flush();
    const { pc, clock } = this;
    const snapshot = (): SnapshotMachine => saveMachine("boot", "pc", pc.memory, pc.cpu, pc, 0, { idleCycles: clock.idleCycles });
    this.ended = { end, instructions: pc.cpu.instructions, cycles: clock.cycles(), params: this.params, ...(this.keepState ? { snapshot } : {}) };
    return this.ended;
  }

  /** Ends the run now as halted for `reason` (a debugger's kill); the next slice returns the ending. */
  abort(reason: string): void {
    if (this.ended === null) this.finish({ kind: "halted", reason });
  }

  /** Runs one slice: the ending when the run is over, "paused" when the debugger holds the vCPU, else null. */
  slice(): BootResult | "paused" | null {
    if (this.ended !== null) return this.ended;
    const { pc, clock, limit } = this;
    const cpu = pc.cpu;
    if (this.exitStatus !== null) return this.finish({ kind: "debugExit", status: this.exitStatus });
    if (limit !== undefined && cpu.instructions >= limit) return this.finish({ kind: "instructionLimit" });
    const deadline = pc.timers.nextDeadline();
    let budget = deadline === null ? MAX_SLICE : Math.min(MAX_SLICE, Math.max(1, clock.cyclesUntil(deadline)));
    // Every instruction costs at least one cycle, so this budget cannot overshoot the limit.
    if (limit !== undefined) budget = Math.min(budget, limit - cpu.instructions);
    this.sliceEnd = clock.cycles() + budget;
    const exit = this.runner !== null ? this.runner(budget) : cpu.run(budget);
    this.sliceEnd = Number.POSITIVE_INFINITY;
    pc.timers.fireDue();
    this.flush();
    switch (exit.kind) {
      case "budget":
        return null;
      case "stop":
        if (exit.reason === DEBUG_STOP) return this.exitStatus === null ? "paused" : null;
        if (this.exitStatus === null && !this.resliced) throw new Error(`CPU stopped for no known reason: ${exit.reason}`);
        this.resliced = false;
        return null;
      case "halt": {
        if (this.exitStatus !== null) return null;
        if ((cpu.getEflags() & IF) === 0) return this.finish({ kind: "halted", reason: "cli; hlt" });
        if (pc.interruptPending()) return null;
        // Only timers can wake a halted CPU later: COM1 input is all queued before the start.
        const next = pc.timers.nextDeadline();
        if (next === null) return this.finish({ kind: "halted", reason: "hlt with interrupts enabled but no timer armed" });
        if (timerIrqsMasked(pc)) return this.finish({ kind: "halted", reason: "hlt with the timer interrupt (IRQ0) masked" });
        clock.idleUntil(next); // nothing runs until the next timer: skip to it
        pc.timers.fireDue();
        return null;
      }
      case "tripleFault":
        return this.finish({ kind: "tripleFault", eip: cpu.eip });
      case "fault":
      case "hypercall":
        // Neither is configured for a PC boot (no exceptionsExit, no hypercall vectors).
        throw new Error(`unexpected CPU exit ${exit.kind} in a Multiboot boot`);
      default: {
        const never: never = exit;
        throw new Error(`unknown CPU exit ${JSON.stringify(never)}`);
      }
    }
  }
}

/**
 * True when no timer can wake the CPU: the local APIC is software-disabled (no APIC timer, no I/O APIC
 * delivery) and the PICs mask both timer IRQs (the PIT's IRQ0 and the RTC's IRQ8 behind the cascade).
 */
function timerIrqsMasked(pc: PcMachine): boolean {
  const pics = pc.pics;
  const picsMasked = pics === undefined || ((pics.master.isMasked(PC_IRQ.pit) || pc.pit === undefined) && (pics.master.isMasked(2) || pics.slave.isMasked(PC_IRQ.rtc - 8) || pc.rtc === undefined));
  return !(pc.lapic?.softwareEnabled ?? false) && picsMasked;
}
