// Boots one Multiboot v1 kernel on a PC machine (pc-machine.ts, the same PC as FV partitions) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle. Argument parsing and printing belong to the CLI.
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { IF } from "../cpu/flags";
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

/** A machine being booted: the PC, its clock and the run loop's state. */
interface BootSession {
  readonly pc: PcMachine;
  readonly clock: CycleClock;
  readonly serial: ChunkedSink;
  readonly e9: ChunkedSink | undefined;
  /** Set by isa-debug-exit. */
  exitStatus: number | null;
  /** Machine cycle at which the current run slice ends; a sooner timer armed mid-slice stops the CPU early. */
  sliceEnd: number;
  resliced: boolean;
}

/** How a boot machine is built: what a snapshot records so that restore can build the same one. */
export interface BootMachineParams {
  readonly memoryBytes: number;
  readonly clockHz: number;
  /** Whether port 0xE9 is mapped (the debug console device exists). */
  readonly debugConsole: boolean;
}

function newSession(params: BootMachineParams, stdout: (bytes: Uint8Array) => void, debugConsole: ((bytes: Uint8Array) => void) | undefined): BootSession {
  let machine: PcMachine | undefined;
  const serial = new ChunkedSink(stdout);
  const e9 = params.debugConsole ? new ChunkedSink(debugConsole ?? (() => undefined)) : undefined;
  const clock = new CycleClock(params.clockHz, () => machine?.cpu.cycles ?? 0);
  const session: { -readonly [K in keyof BootSession]: BootSession[K] } = { pc: undefined as unknown as PcMachine, clock, serial, e9, exitStatus: null, sliceEnd: Number.POSITIVE_INFINITY, resliced: false };
  const pc = new PcMachine({
    memoryBytes: params.memoryBytes,
    now: () => clock.now(),
    serialOut: serial,
    ...(e9 !== undefined ? { debugConsoleOut: e9 } : {}),
    requestExit: (status) => {
      session.exitStatus = status;
      machine?.cpu.requestStop("isa-debug-exit");
    },
    onTimerArmed: (at) => {
      if (machine === undefined || clock.cycles() + clock.cyclesUntil(at) >= session.sliceEnd) return;
      session.resliced = true;
      machine.cpu.requestStop("timer armed inside the slice");
    },
  });
  machine = pc;
  session.pc = pc;
  return session;
}

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault, a final halt or the instruction limit. */
export function bootMultiboot(opts: BootOptions): BootResult {
  const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  const planned = planMultibootLoad(opts.elf, {
    memoryBytes,
    commandLine: multibootCommandLine(opts.elfPath, opts.commandLine ?? ""),
    bootLoaderName: BOOT_LOADER_NAME,
    ...(opts.modules !== undefined ? { modules: opts.modules } : {}),
  });
  if (!planned.ok) return { end: { kind: "loadError", message: planned.error.message }, instructions: 0, cycles: 0 };
  const params: BootMachineParams = { memoryBytes, clockHz: opts.clockHz ?? DEFAULT_CLOCK_HZ, debugConsole: opts.debugConsole !== undefined };
  const session = newSession(params, opts.stdout, opts.debugConsole);
  // The BIOS data areas are in RAM already: a kernel loaded over them wins, as it would over a real BIOS's.
  session.pc.loadMultiboot(planned.plan);
  if (opts.stdin !== undefined && opts.stdin.length > 0) session.pc.com1?.receive(opts.stdin);
  return runBoot(session, params, opts.maxInstructions, opts.keepState === true);
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

/** Builds a fresh PC, checks the snapshot against it, restores it and runs on; a bad snapshot is a loadError naming the part. */
export function resumeBoot(opts: BootResumeOptions): BootResult {
  const session = newSession(opts.params, opts.stdout, opts.debugConsole);
  const extra = readBootExtra(opts.machine.extra);
  if (typeof extra === "string") return { end: { kind: "loadError", message: extra }, instructions: 0, cycles: 0 };
  const prepared = prepareMachine(opts.machine, session.pc.memory, session.pc.cpu, session.pc, () => session.clock.restoreIdle(extra.idleCycles));
  if (!prepared.ok) return { end: { kind: "loadError", message: prepared.error }, instructions: 0, cycles: 0 };
  prepared.apply();
  return runBoot(session, opts.params, opts.maxInstructions, false);
}

function readBootExtra(extra: Json): { idleCycles: number } | string {
  const idle = typeof extra === "object" && extra !== null && !Array.isArray(extra) ? extra["idleCycles"] : undefined;
  if (typeof idle !== "number" || !Number.isSafeInteger(idle) || idle < 0) return "machine note boot: field extra.idleCycles: expected a non-negative integer";
  return { idleCycles: idle };
}

function runBoot(session: BootSession, params: BootMachineParams, limit: number | undefined, keepState: boolean): BootResult {
  const { pc, clock } = session;
  const cpu = pc.cpu;
  const flush = (): void => {
    session.serial.flush();
    session.e9?.flush();
  };
  const result = (end: BootEnd): BootResult => {
    flush();
    const snapshot = (): SnapshotMachine => saveMachine("boot", "pc", pc.memory, cpu, pc, 0, { idleCycles: clock.idleCycles });
    return { end, instructions: cpu.instructions, cycles: clock.cycles(), params, ...(keepState ? { snapshot } : {}) };
  };
  for (;;) {
    if (session.exitStatus !== null) return result({ kind: "debugExit", status: session.exitStatus });
    if (limit !== undefined && cpu.instructions >= limit) return result({ kind: "instructionLimit" });
    const deadline = pc.timers.nextDeadline();
    let budget = deadline === null ? MAX_SLICE : Math.min(MAX_SLICE, Math.max(1, clock.cyclesUntil(deadline)));
    // Every instruction costs at least one cycle, so this budget cannot overshoot the limit.
    if (limit !== undefined) budget = Math.min(budget, limit - cpu.instructions);
    session.sliceEnd = clock.cycles() + budget;
    const exit = cpu.run(budget);
    session.sliceEnd = Number.POSITIVE_INFINITY;
    pc.timers.fireDue();
    flush();
    switch (exit.kind) {
      case "budget":
        break;
      case "stop":
        if (session.exitStatus === null && !session.resliced) throw new Error(`CPU stopped for no known reason: ${exit.reason}`);
        session.resliced = false;
        break;
      case "halt": {
        if (session.exitStatus !== null) break;
        if ((cpu.getEflags() & IF) === 0) return result({ kind: "halted", reason: "cli; hlt" });
        if (pc.interruptPending()) break;
        // Only timers can wake a halted CPU later: COM1 input is all queued before the start.
        const next = pc.timers.nextDeadline();
        if (next === null) return result({ kind: "halted", reason: "hlt with interrupts enabled but no timer armed" });
        if (timerIrqsMasked(pc)) return result({ kind: "halted", reason: "hlt with the timer interrupt (IRQ0) masked" });
        clock.idleUntil(next); // nothing runs until the next timer: skip to it
        pc.timers.fireDue();
        break;
      }
      case "tripleFault":
        return result({ kind: "tripleFault", eip: cpu.eip });
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
