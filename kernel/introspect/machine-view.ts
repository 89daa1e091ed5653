// What the VM tree needs from one machine (a `boot` PC or one partition of a module) and from the run
// that holds it. Implemented by thin adapters next to each run loop (boot-driver.ts, module-driver.ts);
// the tree itself (vm-tree.ts) knows nothing of either.
import type { Cpu } from "../cpu/cpu";
import type { PhysicalMemory } from "../mem/physical-memory";
import type { CpuDebugger } from "./debugger";

/** A KVM-style memory slot: a guest-physical range backed by host memory. */
export interface SlotInfo {
  readonly name: string;
  /** Guest-physical base and size in bytes (page multiples). */
  readonly base: number;
  readonly size: number;
  readonly readOnly: boolean;
  /** Where the bytes come from on the host side (XML memory requirement, boot RAM region). */
  readonly hostName: string;
}

/** One machine in the tree. */
export interface MachineView {
  readonly name: string;
  readonly cpu: Cpu;
  readonly memory: PhysicalMemory;
  readonly slots: readonly SlotInfo[];
  readonly dbg: CpuDebugger;
  /** Operating mode (ARINC 653) or the boot machine's state. */
  mode(): string;
  /** Figures of the run so far. */
  stats(): Record<string, number | string>;
  /** Health-monitor records of this machine, oldest first. */
  hmLog(): readonly unknown[];
  /** Raises and lowers IRQ `line` of the machine's interrupt controller; an error text when it has none or no such line. */
  pulseIrq(line: number): string | null;
}

/** The run around the machines: virtual time and schedule, and module-wide pause. */
export interface RunView {
  /** Virtual time in ns. */
  time(): bigint;
  /** Current schedule (name, major frame) or null for a boot machine. */
  schedule(): Record<string, unknown> | null;
  /** Major frames completed (boot: 0). */
  frames(): number;
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Runs until the next window boundary, then pauses again (boot: one timer slice). */
  stepWindow(): void;
  readonly machines: readonly MachineView[];
}
