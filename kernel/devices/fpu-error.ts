// The PC/AT coprocessor-error logic (IBM PC/AT technical reference, "Math Coprocessor"; PIIX "FERR#/
// IGNNE#"): the x87's FERR# output raises IRQ13, a write to port 0xF0 drops IRQ13 and asserts IGNNE# so
// waiting instructions go on, and IGNNE# falls when FERR# does (the FPU's ES bit cleared). Only used with
// CR0.NE = 0; with NE = 1 the CPU reports #MF itself. The x87 calls assert/release (kernel/cpu/x87).
import type { Device, IrqLine, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** Port of the latch: any write clears it (0xF1, the 80287 reset, is not decoded). */
export const FPU_ERROR_PORT = 0xf0;
/** ISA IRQ of the coprocessor error. */
export const FPU_ERROR_IRQ = 13;

/** Saved state: whether IGNNE# is asserted and whether IRQ13 is held high. */
export interface FpuErrorState {
  readonly ignne: boolean;
  readonly irq: boolean;
}

/** FERR# in, IRQ13 and IGNNE# out. */
export class FpuError implements Device<FpuErrorState> {
  readonly name = "fpu-error";
  private ignne = false;
  private irq = false;

  constructor(private readonly line: IrqLine) {}

  reset(): void {
    this.ignne = false;
    this.drive(false);
  }

  /** FERR# asserted (an unmasked x87 exception reported with CR0.NE = 0): IRQ13 unless IGNNE#. */
  assert(): void {
    if (!this.ignne) this.drive(true);
  }

  /** FERR# inactive (ES cleared): IRQ13 and IGNNE# fall. */
  release(): void {
    this.ignne = false;
    this.drive(false);
  }

  read(_offset: number): number {
    return 0xff; // write-only latch: the bus floats
  }

  write(_offset: number, _size: 1 | 2 | 4, _value: number): void {
    this.drive(false);
    this.ignne = true;
  }

  private drive(level: boolean): void {
    if (this.irq === level) return;
    this.irq = level;
    this.line.set(level);
  }

  saveState(): FpuErrorState {
    return { ignne: this.ignne, irq: this.irq };
  }

  parseState(raw: unknown): ParseResult<FpuErrorState> {
    return parseStateWith(raw, this.name, (r) => ({ ignne: r.bool("ignne"), irq: r.bool("irq") }));
  }

  restoreState(s: FpuErrorState): void {
    this.ignne = s.ignne;
    this.irq = s.irq; // the interrupt controllers restore their own view of the line
  }
}
