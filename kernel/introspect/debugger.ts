// The debugger of one vCPU: software breakpoints and watchpoints on linear addresses, single-step, pause,
// and the reason of the last stop. Breakpoints never touch guest memory: while any is set (or a step or a
// watchpoint is pending) the CPU runs one instruction per run(1) and EIP is compared before each one;
// with none set, run() is the CPU's own, at full speed. Not responsible for transport (gdb/, control/).
import type { Cpu } from "../cpu/cpu";
import type { CpuExit } from "../cpu/exit";
import { CS } from "../cpu/cpu-state";

/** Reason code of the CPU "stop" exit the debugger returns when the vCPU is paused. */
export const DEBUG_STOP = "debugger";

/** What a watchpoint watches (gdb Z2 write, Z3 read, Z4 access). */
export type WatchKind = "write" | "read" | "access";

/** A watched linear range. */
export interface Watchpoint {
  readonly kind: WatchKind;
  readonly addr: number;
  readonly len: number;
}

/** Why the vCPU is stopped. */
export type StopReason =
  | { readonly kind: "breakpoint"; readonly addr: number }
  | { readonly kind: "watchpoint"; readonly watch: Watchpoint; readonly addr: number }
  | { readonly kind: "step" }
  | { readonly kind: "pause" }
  /** Held before the first instruction, waiting for a debugger (qemu -S). */
  | { readonly kind: "start" }
  | { readonly kind: "fault"; readonly vector: number }
  | { readonly kind: "exited"; readonly status: number };

/** Most breakpoints and watchpoints one vCPU accepts (bounded host memory; gdb asks for a few). */
export const MAX_BREAKPOINTS = 256;
export const MAX_WATCHPOINTS = 16;

/** Debug state of one vCPU; a stopped vCPU runs no instruction until resume(). */
export class CpuDebugger {
  private readonly breaks = new Set<number>();
  private readonly watches: Watchpoint[] = [];
  private stepping = false;
  /** Linear EIP whose breakpoint is ignored once (resuming from it). */
  private skipAt = -1;
  private hit: { watch: Watchpoint; addr: number } | null = null;
  /** Non-null while the vCPU is stopped. */
  stop: StopReason | null = null;
  /** Bumped at every stop, so a waiter can tell a new stop from an old one. */
  stops = 0;

  /** The CPU's own run (replaced by interpose()). */
  private cpuRun: (budget: number) => CpuExit;

  constructor(readonly cpu: Cpu) {
    this.cpuRun = (budget) => cpu.run(budget);
  }

  /**
   * Routes every cpu.run through this debugger, for run loops that call the CPU themselves (partition
   * VMs). A stopped vCPU then returns {kind: "stop", reason: DEBUG_STOP} at once, consuming nothing.
   */
  interpose(): void {
    const own = this.cpu.run.bind(this.cpu);
    this.cpuRun = own;
    this.cpu.run = (budget: number): CpuExit => this.run(budget);
  }

  /** Linear address of the next instruction. */
  linearEip(): number {
    return (this.cpu.segBase[CS]! + this.cpu.eip) >>> 0;
  }

  /** Breakpoints, ascending. */
  breakpoints(): number[] {
    return [...this.breaks].sort((a, b) => a - b);
  }

  /** Watchpoints in the order they were set. */
  watchpoints(): readonly Watchpoint[] {
    return this.watches;
  }

  /** Adds a breakpoint at linear `addr`; false when the table is full. */
  addBreakpoint(addr: number): boolean {
    if (this.breaks.size >= MAX_BREAKPOINTS && !this.breaks.has(addr >>> 0)) return false;
    this.breaks.add(addr >>> 0);
    return true;
  }

  /** Removes a breakpoint; false when none was set there. */
  removeBreakpoint(addr: number): boolean {
    return this.breaks.delete(addr >>> 0);
  }

  /** Adds a watchpoint on [addr, addr+len); false when len is not 1..4096 or the table is full. */
  addWatchpoint(w: Watchpoint): boolean {
    if (!Number.isInteger(w.len) || w.len < 1 || w.len > 4096 || this.watches.length >= MAX_WATCHPOINTS) return false;
    this.watches.push({ kind: w.kind, addr: w.addr >>> 0, len: w.len });
    this.syncHook();
    return true;
  }

  /** Removes the watchpoint with exactly these fields; false when there is none. */
  removeWatchpoint(w: Watchpoint): boolean {
    const i = this.watches.findIndex((x) => x.kind === w.kind && x.addr === w.addr >>> 0 && x.len === w.len);
    if (i < 0) return false;
    this.watches.splice(i, 1);
    this.syncHook();
    return true;
  }

  /** Stops the vCPU now (between instructions) with `reason`. */
  halt(reason: StopReason): void {
    if (this.stop !== null && reason.kind === "pause") return;
    this.stop = reason;
    this.stepping = false;
    this.stops++;
  }

  /** Lets a stopped vCPU go: one instruction when `step`, else until the next stop. */
  resume(step: boolean): void {
    this.stop = null;
    this.stepping = step;
    this.skipAt = this.linearEip();
  }

  /** Drops every breakpoint and watchpoint and lets the vCPU run (gdb detach). */
  clear(): void {
    this.breaks.clear();
    this.watches.length = 0;
    this.syncHook();
    this.resume(false);
  }

  private get active(): boolean {
    return this.stepping || this.breaks.size > 0 || this.watches.length > 0;
  }

  private syncHook(): void {
    const cpu = this.cpu;
    if (this.watches.length === 0) {
      if (cpu.watchHook !== null) cpu.watchHook = null;
      return;
    }
    cpu.watchHook = (lin, size, write) => this.onAccess(lin, size, write);
    cpu.flushTlb(); // entries filled before the hook would let accesses bypass it
  }

  private onAccess(lin: number, size: number, write: boolean): void {
    if (this.hit !== null) return;
    const lo = lin >>> 0;
    for (const w of this.watches) {
      if (w.kind === "write" && !write) continue;
      if (w.kind === "read" && write) continue;
      if (lo < w.addr + w.len && w.addr < lo + size) {
        this.hit = { watch: w, addr: Math.max(lo, w.addr) };
        return;
      }
    }
  }

  /**
   * One instruction for a single-step. An exception or interrupt delivered on the way reads its IDT gate;
   * that read asks the CPU to stop before the handler's first instruction, so the step ends at the handler
   * as on hardware (an instruction that itself reads the IDT just ends the step where it would end anyway).
   */
  private stepOnce(): CpuExit {
    const cpu = this.cpu;
    const outer = cpu.watchHook;
    const lo = cpu.idtBase >>> 0;
    const hi = lo + (cpu.idtLimit & 0xffff);
    cpu.watchHook = (lin, size, write) => {
      const a = lin >>> 0;
      if (!write && a >= lo && a <= hi) cpu.requestStop(DEBUG_STOP);
      outer?.(lin, size, write);
    };
    try {
      return this.cpuRun(1);
    } finally {
      cpu.watchHook = outer;
    }
  }

  /**
   * Runs like Cpu.run(budget) but honours breakpoints, watchpoints and steps. A stop (now or during the
   * slice) returns the exit {kind: "stop", reason: DEBUG_STOP}; cycles run so far stay consumed.
   */
  run(budget: number): CpuExit {
    const cpu = this.cpu;
    if (this.stop !== null) return { kind: "stop", reason: DEBUG_STOP };
    if (!this.active) return this.cpuRun(budget);
    const end = cpu.cycles + budget;
    while (cpu.cycles < end) {
      const lin = this.linearEip();
      if (lin !== this.skipAt && this.breaks.has(lin)) {
        this.halt({ kind: "breakpoint", addr: lin });
        return { kind: "stop", reason: DEBUG_STOP };
      }
      const before = cpu.cycles;
      const eip = cpu.eip;
      this.hit = null;
      const exit = this.stepping ? this.stepOnce() : this.cpuRun(1);
      const moved = cpu.cycles !== before || cpu.eip !== eip;
      if (moved) this.skipAt = -1;
      if (this.hit !== null) {
        const h: { watch: Watchpoint; addr: number } = this.hit;
        this.hit = null;
        this.halt({ kind: "watchpoint", watch: h.watch, addr: h.addr });
      } else if (this.stepping && moved) this.halt({ kind: "step" });
      if (exit.kind !== "budget") return exit;
      if (this.stop !== null) return { kind: "stop", reason: DEBUG_STOP };
    }
    return { kind: "budget" };
  }
}
