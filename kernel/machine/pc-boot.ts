// Boots one Multiboot v1 kernel on a PC machine (pc-machine.ts, the same PC as FV partitions) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle. Argument parsing and printing belong to the CLI.
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import type { CpuExit } from "../cpu/exit";
import { IF } from "../cpu/flags";
import { DEBUG_STOP } from "../introspect/debugger";
import { planMultibootLoad, type MultibootPlan } from "../loader/multiboot";
import type { BootModule } from "../loader/multiboot-info";
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

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault, a final halt or the instruction limit. */
export function bootMultiboot(opts: BootOptions): BootResult {
  const s = BootSession.create(opts);
  if (!s.ok) return { end: { kind: "loadError", message: s.message }, instructions: 0, cycles: 0 };
  for (;;) {
    const r = s.session.slice();
    if (r !== null && r !== "paused") return r;
    if (r === "paused") throw new Error("a boot without a debugger cannot pause");
  }
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
  static create(opts: BootOptions): { ok: true; session: BootSession } | { ok: false; message: string } {
    const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const planned = planMultibootLoad(opts.elf, {
      memoryBytes,
      commandLine: multibootCommandLine(opts.elfPath, opts.commandLine ?? ""),
      bootLoaderName: BOOT_LOADER_NAME,
      ...(opts.modules !== undefined ? { modules: opts.modules } : {}),
    });
    if (!planned.ok) return { ok: false, message: planned.error.message };
    return { ok: true, session: new BootSession(opts, memoryBytes, planned.plan) };
  }

  private constructor(private readonly opts: BootOptions, memoryBytes: number, plan: MultibootPlan) {
    this.serial = new ChunkedSink(opts.stdout);
    this.e9 = opts.debugConsole === undefined ? undefined : new ChunkedSink(opts.debugConsole);
    let machine: PcMachine | undefined;
    this.clock = new CycleClock(opts.clockHz ?? DEFAULT_CLOCK_HZ, () => machine?.cpu.cycles ?? 0);
    const pc = new PcMachine({
      memoryBytes,
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
    // The BIOS data areas are in RAM already: a kernel loaded over them wins, as it would over a real BIOS's.
    pc.loadMultiboot(plan);
    if (opts.stdin !== undefined && opts.stdin.length > 0) pc.com1.receive(opts.stdin);
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
    this.ended = { end, instructions: this.pc.cpu.instructions, cycles: this.clock.cycles() };
    return this.ended;
  }

  /** Ends the run now as halted for `reason` (a debugger's kill); the next slice returns the ending. */
  abort(reason: string): void {
    if (this.ended === null) this.finish({ kind: "halted", reason });
  }

  /** Runs one slice: the ending when the run is over, "paused" when the debugger holds the vCPU, else null. */
  slice(): BootResult | "paused" | null {
    if (this.ended !== null) return this.ended;
    const { pc, clock } = this;
    const cpu = pc.cpu;
    const limit = this.opts.maxInstructions;
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
  const { master, slave } = pc.pics;
  const rtcMasked = master.isMasked(2) || slave.isMasked(PC_IRQ.rtc - 8);
  return !pc.lapic.softwareEnabled && master.isMasked(PC_IRQ.pit) && rtcMasked;
}
