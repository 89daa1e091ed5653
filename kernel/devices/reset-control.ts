// The PIIX3 reset control register at port 0xCF9 (Intel 82371SB datasheet, "RC—Reset Control
// Register"): writing RST_CPU (bit 2) resets the machine; SYS_RST (bit 1) is kept for reads.
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

const SYS_RST = 0x02;
const RST_CPU = 0x04;

/** Saved state: the SYS_RST bit. */
export interface ResetControlState {
  readonly value: number;
}

/** Port 0xCF9 (offset 0). */
export class ResetControl implements Device<ResetControlState> {
  readonly name = "reset-control";
  private value = 0;

  constructor(private readonly requestReset: (cause: string) => void) {}

  reset(): void {
    this.value = 0;
  }

  read(_offset: number): number {
    return this.value;
  }

  write(_offset: number, _size: 1 | 2 | 4, v: number): void {
    this.value = v & SYS_RST;
    if (v & RST_CPU) this.requestReset(`reset control register 0xcf9 written with 0x${(v & 0xff).toString(16)}`);
  }

  saveState(): ResetControlState {
    return { value: this.value };
  }

  parseState(raw: unknown): ParseResult<ResetControlState> {
    return parseStateWith(raw, this.name, (r) => ({ value: r.uint("value", SYS_RST) }));
  }

  restoreState(s: ResetControlState): void {
    this.value = s.value;
  }
}
