// Host input on a PC's console lines, paced like a real serial line: one byte per character time of
// COM1's current divisor and frame format (PC16550D datasheet, "Baud rate generator"), on virtual time,
// to every sink that is ready for it (the UART while the guest asserts DTR and RTS and listens, see
// Uart16550.receiverLine; the PS/2 keyboard while scanning). Where bytes come from is the caller's InputSource.
import type { TimerService } from "../devices/device";
import { nanos, type Nanos } from "../mem/types";

/** What an input source has now. */
export type InputPoll =
  | { readonly kind: "byte"; readonly byte: number }
  /** Nothing yet (an interactive terminal): asked again after IDLE_POLL_NS. */
  | { readonly kind: "none" }
  /** No more input, ever. */
  | { readonly kind: "end" }
  /** The user asked to leave (Ctrl-A x on a terminal). */
  | { readonly kind: "quit" };

/** A stream of input bytes. A non-interactive source must never answer "none" (it blocks instead). */
export interface InputSource {
  poll(): InputPoll;
  /** True for a terminal: the only non-deterministic input of a run. */
  readonly interactive: boolean;
}

/** A device that takes input bytes. */
export interface InputSink {
  ready(): boolean;
  deliver(byte: number): void;
}

/** The UART's line settings the pacing reads (divisor latch and LCR). */
export interface LineSettings {
  divisor: number;
  lineControl: number;
}

/** The 16550's input clock divided by 16: the baud rate at divisor 1. */
export const UART_BASE_BAUD = 115_200n;
/** How often a line with no ready sink, or a terminal with nothing typed, is looked at again. */
export const IDLE_POLL_NS = 1_000_000n;
const TIMER_ID = "serial-input";

/** Duration of one character (start bit, 5-8 data bits, parity, 1/1.5/2 stop bits) at `divisor`, rounded up. */
export function characterTimeNs(divisor: number, lineControl: number): bigint {
  const dataBits = 5 + (lineControl & 3);
  const parity = (lineControl & 0x08) !== 0 ? 1 : 0;
  const stopHalves = (lineControl & 0x04) === 0 ? 2 : dataBits === 5 ? 3 : 4;
  const halfBits = BigInt(2 * (1 + dataBits + parity) + stopHalves);
  const d = BigInt(divisor === 0 ? 1 : divisor); // divisor 0 is undefined on the chip: taken as 1
  return (halfBits * 1_000_000_000n * d + 2n * UART_BASE_BAUD - 1n) / (2n * UART_BASE_BAUD);
}

/** Where the pacing stands, for a snapshot: its next look at the line as an offset from now (null: none armed). */
export interface PacingState {
  readonly dueInNs: bigint | null;
  readonly waitingForGuest: boolean;
  readonly finished: boolean;
}

/** Feeds `source` to `sinks` on virtual time; `onQuit` runs when the user asks to leave. */
export class PacedInput {
  private stopped = false;
  private blocked = false;
  /** The armed look at the line (machine time), or null. */
  private due: Nanos | null = null;

  constructor(
    private readonly timers: TimerService,
    private readonly source: InputSource,
    private readonly line: () => LineSettings,
    private readonly sinks: readonly InputSink[],
    private readonly onQuit: () => void,
  ) {}

  /** Arms the first look at the line. */
  start(): void {
    this.armIn(IDLE_POLL_NS);
  }

  /** True once the source has ended (or quit): no timer stays armed for it. */
  get finished(): boolean {
    return this.stopped;
  }

  /** True when the last look found no sink ready: only the guest can unblock the line. */
  get waitingForGuest(): boolean {
    return this.blocked;
  }

  /** The pacing's state; an overdue look (not fired yet) is saved as due now. */
  saveState(): PacingState {
    const due = this.due;
    const left = due === null ? null : BigInt(due) - BigInt(this.timers.now());
    return { dueInNs: left === null ? null : left > 0n ? left : 0n, waitingForGuest: this.blocked, finished: this.stopped };
  }

  /** Puts the pacing back where `s` says, its look re-armed from the (restored) machine time. */
  restoreState(s: PacingState): void {
    this.stopped = s.finished;
    this.blocked = s.waitingForGuest;
    this.timers.cancel(TIMER_ID);
    this.due = null;
    if (s.dueInNs !== null) this.armIn(s.dueInNs);
  }

  private armIn(ns: bigint): void {
    const at = nanos(BigInt(this.timers.now()) + ns) as Nanos;
    this.due = at;
    this.timers.arm(TIMER_ID, at, () => this.tick());
  }

  private tick(): void {
    this.due = null;
    const ready = this.sinks.filter((s) => s.ready());
    this.blocked = ready.length === 0;
    if (ready.length === 0) {
      this.armIn(IDLE_POLL_NS);
      return;
    }
    const p = this.source.poll();
    switch (p.kind) {
      case "byte": {
        for (const s of ready) s.deliver(p.byte);
        const l = this.line();
        this.armIn(characterTimeNs(l.divisor, l.lineControl));
        return;
      }
      case "none":
        this.armIn(IDLE_POLL_NS);
        return;
      case "end":
        this.stopped = true;
        return;
      case "quit":
        this.stopped = true;
        this.onQuit();
        return;
      default: {
        const never: never = p;
        throw new Error(`unknown input poll ${JSON.stringify(never)}`);
      }
    }
  }
}

/** A source over bytes known in advance (tests, `run --console` with a buffer). */
export function bufferSource(bytes: Uint8Array): InputSource {
  let i = 0;
  return {
    interactive: false,
    poll: () => (i < bytes.length ? { kind: "byte", byte: bytes[i++]! } : { kind: "end" }),
  };
}
