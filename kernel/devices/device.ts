// The one interface every emulated chip implements (DESIGN.md section 6). A device does no I/O of its
// own: interrupts, output bytes and timers leave through the collaborators it is constructed with.
import type { Nanos } from "../mem/types";

/** Result of parsing a saved state: the typed state, or what is wrong with it. */
export type ParseResult<S> = { readonly ok: true; readonly state: S } | { readonly ok: false; readonly error: string };

/** A chip with resettable, saveable state, accessed by offset from its base (never by absolute port). */
export interface Device<S extends object> {
  /** Short stable name used in snapshots and traces ("uart16550", "pic8259-master", ...). */
  readonly name: string;
  /** Puts the chip in its power-on state. */
  reset(): void;
  /** Reads `size` bytes (1, 2 or 4) at `offset` within the device's range. */
  read(offset: number, size: 1 | 2 | 4): number;
  /** Writes `size` bytes at `offset` within the device's range. */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Returns the state as a named plain object (JSON-safe: numbers, strings, booleans, arrays, objects). */
  saveState(): S;
  /** Checks an untrusted saved state; never changes the device. */
  parseState(raw: unknown): ParseResult<S>;
  /** Applies a state that parseState accepted; cannot fail. */
  restoreState(state: S): void;
}

/** An interrupt request line into an interrupt controller (edge or level as the controller decides). */
export interface IrqLine {
  /** Drives the line: true = asserted. */
  set(level: boolean): void;
}

/** Where a device's output bytes go (a console, a buffer, stdout). */
export interface ByteSink {
  write(byte: number): void;
}

/** Virtual-time timer service given to a device; callbacks run on the owning partition's time. */
export interface TimerService {
  /** Current virtual time of the owning machine. */
  now(): Nanos;
  /** Arms (or re-arms) the device's timer `id` to fire at absolute virtual time `at`. */
  arm(id: string, at: Nanos, callback: () => void): void;
  /** Cancels timer `id` if armed. */
  cancel(id: string): void;
}
