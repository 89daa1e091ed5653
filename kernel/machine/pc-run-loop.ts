// The one run loop of a PC machine, shared by `boot` (pc-boot.ts) and FV partitions (fv-vm.ts): run slices
// that end at the next device deadline (so a timer interrupt lands on its exact cycle), a mid-slice arming
// of a sooner timer, HLT fast-forward to the next deadline. Not the clock mapping (machine cycles <-> the
// time the devices see), the end-of-run policy or output buffering: those are the owner's.
import type { CpuExit } from "../cpu/exit";
import { IF } from "../cpu/flags";
import { DEBUG_STOP } from "../introspect/debugger";
import type { Nanos } from "../mem/types";
import type { PcMachine } from "./pc-machine";

/** How the loop reads and moves the machine's time; the owner keeps the mapping to device time. */
export interface PcLoopClock {
  /** Machine cycles so far: executed plus skipped while halted. */
  cycles(): number;
  /** Machine cycles from now until the devices' time reaches `t` (0 when already there). */
  cyclesUntil(t: Nanos): number;
  /** Skips `cycles` machine cycles with the CPU halted. */
  skip(cycles: number): void;
}

/** What the owner tells the loop. */
export interface PcLoopOwner {
  /** True when a device asked to end the run (debug-exit, a reset, the user quit): the step ends "stopped". */
  stopRequested(): boolean;
  /**
   * Asked when the CPU sleeps (HLT, IF=1, nothing pending): why nothing can ever wake it, or null. `boot`
   * ends the run then; an FV partition answers null (the VM tree may still pulse an IRQ between windows).
   */
  neverWakes(): string | null;
  /**
   * True when a CPU stop with this reason means the vCPU waits on something outside the machine (an FV
   * partition's access to a device served by an I/O partition): the step ends "waiting".
   */
  waitsOn(reason: string): boolean;
}

/**
 * One step of the loop:
 * - "ran": the CPU ran or idled `cycles` and the step can be repeated;
 * - "budget": `left` was 0;
 * - "stopped": the owner's stopRequested() is true;
 * - "paused": the debugger holds the vCPU;
 * - "waiting": the vCPU waits on a device access served outside the machine (owner's waitsOn());
 * - "asleep": HLT with IF=1 and no deadline inside `left` (`next` is the next deadline, or null);
 * - "sleepsForever": HLT that nothing can wake (`reason`: IF=0, or the owner's neverWakes());
 * - "tripleFault": the CPU shut down.
 */
export type PcStep =
  | { readonly kind: "ran" | "budget" | "stopped" | "paused" | "waiting" | "tripleFault"; readonly cycles: number }
  | { readonly kind: "asleep"; readonly cycles: number; readonly next: Nanos | null }
  | { readonly kind: "sleepsForever"; readonly cycles: number; readonly reason: string };

/** Why a HLT with IF=0 never ends: no NMI is modelled. */
export const CLI_HLT = "cli; hlt";

/** The slicing loop of one PcMachine; a reset that builds a new machine attaches it. */
export class PcRunLoop {
  private machine: PcMachine | undefined;
  /** Machine cycle at which the current CPU run ends; a sooner timer armed mid-run stops the CPU early. */
  private runEnd = Number.POSITIVE_INFINITY;
  private resliced = false;
  /** Runs the vCPU in place of cpu.run when set (the debugger's run honours breakpoints and pauses). */
  runner: ((budget: number) => CpuExit) | null = null;

  constructor(
    private readonly clock: PcLoopClock,
    private readonly owner: PcLoopOwner,
  ) {}

  /** Runs `m` from now on (a fresh machine after a reset or restart). */
  attach(m: PcMachine): void {
    this.machine = m;
    this.runEnd = Number.POSITIVE_INFINITY;
    this.resliced = false;
  }

  /** The machine's onTimerArmed: a deadline before the end of the current CPU run stops the CPU there. */
  timerArmed(at: Nanos): void {
    const m = this.machine;
    // Only a CPU that is running needs stopping: between runs the loop reads the new deadline itself.
    if (m === undefined || this.runEnd === Number.POSITIVE_INFINITY) return;
    if (this.clock.cycles() + this.clock.cyclesUntil(at) >= this.runEnd) return;
    this.resliced = true;
    m.cpu.requestStop("timer armed inside the slice");
  }

  /**
   * One CPU run (or one idle stretch) of at most `left` machine cycles, ending at the next device deadline.
   * With `leftIsBound` the owner's `left` bounds latency only (no event at its end): a run it cuts may end at
   * the last whole block instead (Cpu.run's endAtBlock), never a deadline's run.
   */
  step(left: number, leftIsBound = false): PcStep {
    const m = this.machine;
    if (m === undefined) throw new Error("PcRunLoop.step before a machine was attached");
    m.timers.fireDue();
    if (this.owner.stopRequested()) return { kind: "stopped", cycles: 0 };
    if (left <= 0) return { kind: "budget", cycles: 0 };
    const cpu = m.cpu;
    const deadline = m.timers.nextDeadline();
    const toDeadline = deadline === null ? Number.POSITIVE_INFINITY : Math.max(1, this.clock.cyclesUntil(deadline));
    const wakes = (cpu.getEflags() & IF) !== 0;
    if (cpu.halted && !(wakes && m.interruptPending())) {
      if (!wakes) return { kind: "sleepsForever", cycles: 0, reason: CLI_HLT };
      const never = this.owner.neverWakes();
      if (never !== null) return { kind: "sleepsForever", cycles: 0, reason: never };
      if (toDeadline >= left) return { kind: "asleep", cycles: 0, next: deadline };
      this.clock.skip(toDeadline); // nothing runs until the next deadline: skip to it
      return { kind: "ran", cycles: toDeadline };
    }
    const budget = Math.min(left, toDeadline);
    const before = cpu.cycles;
    this.runEnd = this.clock.cycles() + budget;
    const exit = this.runner !== null ? this.runner(budget) : cpu.run(budget, leftIsBound && left < toDeadline);
    this.runEnd = Number.POSITIVE_INFINITY;
    const cycles = cpu.cycles - before;
    switch (exit.kind) {
      case "budget":
      case "halt":
        return { kind: "ran", cycles };
      case "stop":
        if (this.owner.stopRequested()) return { kind: "stopped", cycles };
        if (exit.reason === DEBUG_STOP) return { kind: "paused", cycles };
        if (this.owner.waitsOn(exit.reason)) return { kind: "waiting", cycles };
        if (!this.resliced) throw new Error(`CPU stopped for no known reason: ${exit.reason}`);
        this.resliced = false;
        return { kind: "ran", cycles };
      case "tripleFault":
        return { kind: "tripleFault", cycles };
      case "fault":
      case "hypercall":
        // Neither is configured on a PC (no exceptionsExit, no hypercall vectors): a wiring bug.
        throw new Error(`unexpected CPU exit ${exit.kind} on a PC machine`);
      default: {
        const never: never = exit;
        throw new Error(`unknown CPU exit ${JSON.stringify(never)}`);
      }
    }
  }
}
