// Collaborators through which the CPU reaches the outside: the I/O port bus and the INTR line.
// The CPU owns neither; the machine wiring supplies them.
import type { IoPort } from "../mem/types";

/** The I/O port space (IN/OUT/INS/OUTS). Unmapped ports are the bus's business (all-ones). */
export interface PortIo {
  read(port: IoPort, size: 1 | 2 | 4): number;
  write(port: IoPort, size: 1 | 2 | 4, value: number): void;
  /**
   * Optional batching of REP INS/OUTS (a forwarded device moves a run in one ring round trip): the most
   * elements of `size` bytes `port` takes in one call, 0 or 1 to run them one by one.
   */
  stringLimit?(port: IoPort, size: 1 | 2 | 4): number;
  /**
   * INS of `count` elements (stringLimit allowed them): their bytes in string order, or undefined when the
   * device stores them itself before the vCPU runs again (it stopped the vCPU), element i at
   * linear `lin` + i * `step`.
   */
  readString?(port: IoPort, size: 1 | 2 | 4, count: number, lin: number, step: number): Uint8Array | undefined;
  /** OUTS of the elements in `bytes` (string order). */
  writeString?(port: IoPort, size: 1 | 2 | 4, bytes: Uint8Array): void;
}

/** The INTR line (e.g. an 8259 pair): checked at instruction boundaries while EFLAGS.IF=1. */
export interface InterruptSource {
  pending(): boolean;
  /** INTA cycle: returns the vector to deliver. */
  acknowledge(): number;
}

/** A port bus with nothing on it: reads all-ones, writes ignored. */
export const NO_PORTS: PortIo = {
  read: (_port, size) => (size === 4 ? 0xffff_ffff : (1 << (size * 8)) - 1),
  write: () => undefined,
};
