// Boots one Multiboot v1 kernel on a PC machine (pc-machine.ts, the same PC as FV partitions) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle. Argument parsing and printing belong to the CLI.
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { IF } from "../cpu/flags";
import { planMultibootLoad, type MultibootPlan } from "../loader/multiboot";
import type { BootModule } from "../loader/multiboot-info";
import { CycleClock } from "./cycle-clock";
import { bufferSource, PacedInput, type InputSource } from "./serial-input";
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

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault or reset, a final halt or the instruction limit. */
export function bootMultiboot(opts: BootOptions): BootResult {
  const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  const planned = planMultibootLoad(opts.elf, {
    memoryBytes,
    commandLine: multibootCommandLine(opts.elfPath, opts.commandLine ?? ""),
    bootLoaderName: BOOT_LOADER_NAME,
    ...(opts.modules !== undefined ? { modules: opts.modules } : {}),
  });
  if (!planned.ok) return { end: { kind: "loadError", message: planned.error.message }, instructions: 0, cycles: 0 };
  const input = opts.input ?? (opts.stdin !== undefined && opts.stdin.length > 0 ? bufferSource(opts.stdin) : undefined);
  const serial = new ChunkedSink(opts.stdout);
  const e9 = opts.debugConsole === undefined ? undefined : new ChunkedSink(opts.debugConsole);
  let used = 0; // instructions of earlier boots: the limit covers the whole run
  for (;;) {
    const limit = opts.maxInstructions === undefined ? {} : { maxInstructions: opts.maxInstructions - used };
    const r = bootOnce({ ...opts, ...limit }, planned.plan, memoryBytes, input, serial, e9);
    used += r.instructions;
    if (r.end.kind !== "reset" && r.end.kind !== "tripleFault") return { ...r, instructions: used };
    if (opts.reboot !== true) return { ...r, instructions: used };
    opts.onReset?.(r.end.kind === "reset" ? r.end.cause : `triple fault at eip 0x${r.end.eip.toString(16)}`);
  }
}

/** One power-on of the PC: runs until an ending, a reset included. */
function bootOnce(opts: BootOptions, plan: MultibootPlan, memoryBytes: number, input: InputSource | undefined, serial: ChunkedSink, e9: ChunkedSink | undefined): BootResult {
  let exitStatus: number | null = null;
  let resetCause: string | null = null;
  let quit = false;
  let machine: PcMachine | undefined;
  /** Machine cycle at which the current run slice ends; a sooner timer armed mid-slice stops the CPU early. */
  let sliceEnd = Number.POSITIVE_INFINITY;
  let resliced = false;
  const clock = new CycleClock(opts.clockHz ?? DEFAULT_CLOCK_HZ, () => machine?.cpu.cycles ?? 0);
  const pc = new PcMachine({
    memoryBytes,
    now: () => clock.now(),
    serialOut: serial,
    ...(e9 !== undefined ? { debugConsoleOut: e9 } : {}),
    requestExit: (status) => {
      exitStatus = status;
      machine?.cpu.requestStop("isa-debug-exit");
    },
    requestReset: (cause) => {
      resetCause ??= cause;
      machine?.cpu.requestStop("machine reset");
    },
    onTimerArmed: (at) => {
      if (machine === undefined || clock.cycles() + clock.cyclesUntil(at) >= sliceEnd) return;
      resliced = true;
      machine.cpu.requestStop("timer armed inside the slice");
    },
  });
  machine = pc;
  // The BIOS data areas are in RAM already: a kernel loaded over them wins, as it would over a real BIOS's.
  pc.loadMultiboot(plan);
  const paced =
    input === undefined
      ? undefined
      : new PacedInput(pc.timers, input, () => pc.com1.receiverLine(), [
          { ready: () => pc.com1.receiverLine().ready, deliver: (b) => pc.com1.receive([b]) },
          { ready: () => pc.keyboard.keyboardReady(), deliver: (b) => pc.keyboard.type(b) },
        ], () => {
          quit = true;
          pc.cpu.requestStop("user quit");
        });
  paced?.start();
  const cpu = pc.cpu;

  const flush = (): void => {
    serial.flush();
    e9?.flush();
  };
  const result = (end: BootEnd): BootResult => {
    flush();
    return { end, instructions: cpu?.instructions ?? 0, cycles: clock.cycles() };
  };
  const limit = opts.maxInstructions;
  for (;;) {
    if (exitStatus !== null) return result({ kind: "debugExit", status: exitStatus });
    if (resetCause !== null) return result({ kind: "reset", cause: resetCause });
    if (quit) return result({ kind: "userQuit" });
    if (limit !== undefined && cpu.instructions >= limit) return result({ kind: "instructionLimit" });
    const deadline = pc.timers.nextDeadline();
    let budget = deadline === null ? MAX_SLICE : Math.min(MAX_SLICE, Math.max(1, clock.cyclesUntil(deadline)));
    // Every instruction costs at least one cycle, so this budget cannot overshoot the limit.
    if (limit !== undefined) budget = Math.min(budget, limit - cpu.instructions);
    sliceEnd = clock.cycles() + budget;
    const exit = cpu.run(budget);
    sliceEnd = Number.POSITIVE_INFINITY;
    pc.timers.fireDue();
    flush();
    switch (exit.kind) {
      case "budget":
        break;
      case "stop":
        if (exitStatus === null && resetCause === null && !quit && !resliced) throw new Error(`CPU stopped for no known reason: ${exit.reason}`);
        resliced = false;
        break;
      case "halt": {
        if (exitStatus !== null || resetCause !== null || quit) break;
        if ((cpu.getEflags() & IF) === 0) return result({ kind: "halted", reason: "cli; hlt" });
        if (pc.interruptPending()) break;
        // Only timers (the PIT, the RTC, the APIC timer, paced input) can wake a halted CPU later.
        const next = pc.timers.nextDeadline();
        // Input that waits for a guest that sleeps wakes nothing: only the line's own look is armed.
        const inputIdle = paced === undefined || paced.finished || paced.waitingForGuest;
        const onlyInput = paced !== undefined && !paced.finished && pc.timers.armedCount === 1;
        if (next === null || (onlyInput && inputIdle)) return result({ kind: "halted", reason: "hlt with interrupts enabled but no timer armed" });
        if (timerIrqsMasked(pc) && inputIdle) return result({ kind: "halted", reason: "hlt with the timer interrupt (IRQ0) masked" });
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
  const { master, slave } = pc.pics;
  const rtcMasked = master.isMasked(2) || slave.isMasked(PC_IRQ.rtc - 8);
  return !pc.lapic.softwareEnabled && master.isMasked(PC_IRQ.pit) && rtcMasked;
}
