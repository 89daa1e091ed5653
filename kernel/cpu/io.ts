// Collaborators through which the CPU reaches the outside: the I/O port bus and the INTR line.
// The CPU owns neither; the machine wiring supplies them.
import type { IoPort } from "../mem/types";

/** The I/O port space (IN/OUT/INS/OUTS). Unmapped ports are the bus's business (all-ones). */
export interface PortIo {
  read(port: IoPort, size: 1 | 2 | 4): number;
  write(port: IoPort, size: 1 | 2 | 4, value: number): void;
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
