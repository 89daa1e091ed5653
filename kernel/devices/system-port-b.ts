// PC system control port B (port 0x61, IBM PC/AT technical reference, "System Control Port B"): the
// timer-2 gate and speaker-data bits the guest writes, the refresh toggle and OUT2 it reads. The
// speaker itself is silent and the gate bit is stored only: the 8254 counts with its gates high.
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** Bit 0: timer 2 gate (stored), bit 1: speaker data (stored), bits 2-3: parity/channel check enables (stored). */
const WRITABLE = 0x0f;
/** Bit 4 toggles on every DRAM refresh request (every 15.085 µs on an AT). */
const REFRESH_TOGGLE = 0x10;
const REFRESH_PERIOD_NS = 15_085n;
/** Bit 5: OUT of 8254 counter 2. */
const OUT2 = 0x20;

/** Saved state: the bits the guest wrote. */
export interface SystemPortBState {
  readonly control: number;
}

/** What the port reads from outside: virtual time and the 8254's OUT2. */
export interface SystemPortBInputs {
  now(): bigint;
  out2(): boolean;
}

/** Port 0x61 (one byte at offset 0). */
export class SystemPortB implements Device<SystemPortBState> {
  readonly name = "system-port-b";
  private control = 0;

  constructor(private readonly inputs: SystemPortBInputs) {}

  reset(): void {
    this.control = 0;
  }

  read(_offset: number): number {
    const refresh = (this.inputs.now() / REFRESH_PERIOD_NS) & 1n ? REFRESH_TOGGLE : 0;
    return this.control | refresh | (this.inputs.out2() ? OUT2 : 0);
  }

  write(_offset: number, _size: 1 | 2 | 4, value: number): void {
    this.control = value & WRITABLE;
  }

  saveState(): SystemPortBState {
    return { control: this.control };
  }

  parseState(raw: unknown): ParseResult<SystemPortBState> {
    return parseStateWith(raw, this.name, (r) => ({ control: r.uint("control", WRITABLE) }));
  }

  restoreState(s: SystemPortBState): void {
    this.control = s.control;
  }
}
