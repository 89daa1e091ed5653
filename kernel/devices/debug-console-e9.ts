// The Bochs/QEMU "port E9 hack" debug console: bytes written to port 0xE9 go to a byte sink; reading
// the port returns 0xE9 so a guest can detect it. Holds no state and buffers nothing.
import type { ByteSink, Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** No state; the empty object keeps the snapshot shape uniform. */
export type DebugConsoleE9State = Record<string, never>;

/** Detection value read back from the port. */
export const E9_READBACK = 0xe9;

/** Port 0xE9 console: each written byte (low 8 bits of the value) goes to the sink. */
export class DebugConsoleE9 implements Device<DebugConsoleE9State> {
  readonly name = "debug-console-e9";

  constructor(private readonly sink: ByteSink) {}

  reset(): void {}

  read(): number {
    return E9_READBACK;
  }

  write(_offset: number, _size: 1 | 2 | 4, value: number): void {
    this.sink.write(value & 0xff);
  }

  saveState(): DebugConsoleE9State {
    return {};
  }

  parseState(raw: unknown): ParseResult<DebugConsoleE9State> {
    return parseStateWith(raw, this.name, () => ({}));
  }

  restoreState(): void {}
}
