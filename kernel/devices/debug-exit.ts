// QEMU's isa-debug-exit device (iobase 0xf4, iosize 4 on a PC): a write of v asks the machine to end
// the run with exit status (v << 1) | 1. Deciding how the run ends is the machine's job, not this file's.
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** The device has no state; the empty object keeps the snapshot shape uniform. */
export type DebugExitState = Record<string, never>;

/** Where the exit request goes: the machine stops the CPU and reports `status`. */
export type ExitRequest = (status: number) => void;

/** isa-debug-exit: any write ends the run; reads return 0 (QEMU has no read side). */
export class DebugExit implements Device<DebugExitState> {
  readonly name = "isa-debug-exit";

  constructor(private readonly requestExit: ExitRequest) {}

  reset(): void {}

  read(): number {
    return 0;
  }

  /** (v << 1) | 1 computed without 32-bit overflow: a 32-bit v gives a 33-bit status, as QEMU's int arithmetic before exit() truncates it. */
  write(_offset: number, size: 1 | 2 | 4, value: number): void {
    const v = size === 4 ? value >>> 0 : value & (size === 1 ? 0xff : 0xffff);
    this.requestExit(v * 2 + 1);
  }

  saveState(): DebugExitState {
    return {};
  }

  parseState(raw: unknown): ParseResult<DebugExitState> {
    return parseStateWith(raw, this.name, () => ({}));
  }

  restoreState(): void {}
}
