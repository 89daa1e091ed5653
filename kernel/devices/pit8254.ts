// Intel 8254 programmable interval timer (8254 datasheet): three 16-bit counters at offsets 0-2, the
// control word at 3, counting on virtual time at 1.193182 MHz. Channel 0's OUT drives IRQ0 through a
// timer armed at the exact next rising edge. Not modelled: gate inputs (always high), BCD counting.
import { nanos, type Nanos } from "../mem/types";
import type { Device, IrqLine, ParseResult, TimerService } from "./device";
import { IRQ_TIMER_FLOOR_NS, nextDeliveredExpiry } from "./timer-coalescing";
import { parseStateWith, type StateReader } from "./state-reader";

/** Input clock of the PC's 8254. */
export const PIT_HZ = 1_193_182n;
const NS_PER_S = 1_000_000_000n;
const TIMER_ID = "pit8254.channel0";

// Control word (offset 3): SC1-SC0 bits 7-6, RW1-RW0 bits 5-4, M2-M0 bits 3-1, BCD bit 0.
const SC_READ_BACK = 3;
const RW_LATCH = 0;
const READBACK_NOT_COUNT = 0x20; // read-back: 0 = latch count
const READBACK_NOT_STATUS = 0x10; // read-back: 0 = latch status
const STATUS_OUTPUT = 0x80;

/** RW field: counter latch (0) is a command, 1 = LSB only, 2 = MSB only, 3 = LSB then MSB. */
type Access = 1 | 2 | 3;

/** Saved state of one counter. */
export interface PitChannelState {
  readonly mode: number;
  readonly access: Access;
  readonly bcd: boolean;
  /** Initial count as written (0 means 65536). */
  readonly reload: number;
  /** Input clock ticks since the count was loaded, as a decimal string (JSON has no bigint); null = stopped. */
  readonly ticksSinceLoad: string | null;
  readonly writeHighNext: boolean;
  readonly lowByteWritten: number;
  readonly readHighNext: boolean;
  /** Latched count bytes still to read: 0 = none, else the latch holds `latchValue`. */
  readonly latchBytesLeft: number;
  readonly latchValue: number;
  readonly statusLatched: boolean;
  readonly statusValue: number;
}

/** Saved state of the 8254. Channel 0's armed IRQ edge is stored as an offset from now. */
export interface Pit8254State {
  readonly channels: readonly PitChannelState[];
  /** Nanoseconds from now to the armed IRQ0 edge, as a decimal string; null = none armed. */
  readonly irqTimerDueInNs: string | null;
}

interface Channel {
  mode: number;
  access: Access;
  bcd: boolean;
  reload: number;
  loadTick: bigint | null;
  writeHighNext: boolean;
  lowByte: number;
  readHighNext: boolean;
  latchBytesLeft: number;
  latchValue: number;
  statusLatched: boolean;
  statusValue: number;
}

function freshChannel(): Channel {
  return { mode: 0, access: 3, bcd: false, reload: 0, loadTick: null, writeHighNext: false, lowByte: 0, readHighNext: false, latchBytesLeft: 0, latchValue: 0, statusLatched: false, statusValue: 0 };
}

/** Input clock ticks completed at virtual time `t`. */
function tickAt(t: bigint): bigint {
  return (t * PIT_HZ) / NS_PER_S;
}

/** First virtual time at which tick `k` has completed. */
function timeOfTick(k: bigint): bigint {
  return (k * NS_PER_S + PIT_HZ - 1n) / PIT_HZ;
}

function byteOf(value: number, which: "low" | "high"): number {
  return which === "low" ? value & 0xff : (value >>> 8) & 0xff;
}

/** The 8254 at offsets 0-3 (PC base 0x40); channel 0 OUT on IRQ0. */
export class Pit8254 implements Device<Pit8254State> {
  readonly name = "pit8254";
  private ch: Channel[] = [freshChannel(), freshChannel(), freshChannel()];
  private irqDue: bigint | null = null;
  private missedEdges = 0;

  constructor(
    private readonly irq0: IrqLine,
    private readonly timers: TimerService,
  ) {}

  reset(): void {
    this.ch = [freshChannel(), freshChannel(), freshChannel()];
    this.cancelIrq();
    this.irq0.set(false);
  }

  /** OUT of counter `index` now (port 0x61 bit 5 shows OUT2). */
  outputLevel(index: 0 | 1 | 2): boolean {
    const c = this.ch[index];
    return c !== undefined && this.output(c);
  }

  read(offset: number): number {
    const c = this.ch[offset];
    if (c === undefined) return 0xff; // the control word register is write-only
    if (c.statusLatched) {
      c.statusLatched = false;
      return c.statusValue;
    }
    if (c.latchBytesLeft > 0) {
      const v = byteOf(c.latchValue, c.latchBytesLeft === 2 ? "low" : c.access === 2 ? "high" : c.access === 1 ? "low" : "high");
      c.latchBytesLeft--;
      return v;
    }
    const count = this.count(c);
    if (c.access !== 3) return byteOf(count, c.access === 1 ? "low" : "high");
    const v = byteOf(count, c.readHighNext ? "high" : "low");
    c.readHighNext = !c.readHighNext;
    return v;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value & 0xff;
    if (offset === 3) {
      this.controlWord(v);
      return;
    }
    const c = this.ch[offset];
    if (c === undefined) return;
    switch (c.access) {
      case 1:
        this.load(offset, v);
        break;
      case 2:
        this.load(offset, v << 8);
        break;
      case 3:
        if (!c.writeHighNext) {
          c.lowByte = v;
          c.writeHighNext = true;
        } else {
          c.writeHighNext = false;
          this.load(offset, c.lowByte | (v << 8));
        }
        break;
      default: {
        const never: never = c.access;
        throw new Error(`bad access mode ${String(never)}`);
      }
    }
  }

  saveState(): Pit8254State {
    const now = this.now();
    return {
      channels: this.ch.map((c) => ({
        mode: c.mode,
        access: c.access,
        bcd: c.bcd,
        reload: c.reload,
        ticksSinceLoad: c.loadTick === null ? null : String(tickAt(now) - c.loadTick),
        writeHighNext: c.writeHighNext,
        lowByteWritten: c.lowByte,
        readHighNext: c.readHighNext,
        latchBytesLeft: c.latchBytesLeft,
        latchValue: c.latchValue,
        statusLatched: c.statusLatched,
        statusValue: c.statusValue,
      })),
      irqTimerDueInNs: this.irqDue === null ? null : String(this.irqDue - now),
    };
  }

  parseState(raw: unknown): ParseResult<Pit8254State> {
    return parseStateWith(raw, this.name, (r) => ({
      channels: r.children("channels", 3).map((c) => this.parseChannel(c)),
      irqTimerDueInNs: r.decimalOrNull("irqTimerDueInNs"),
    }));
  }

  restoreState(s: Pit8254State): void {
    const nowTick = tickAt(this.now());
    this.ch = s.channels.map((c) => ({
      mode: c.mode,
      access: c.access,
      bcd: c.bcd,
      reload: c.reload,
      loadTick: c.ticksSinceLoad === null ? null : nowTick - BigInt(c.ticksSinceLoad),
      writeHighNext: c.writeHighNext,
      lowByte: c.lowByteWritten,
      readHighNext: c.readHighNext,
      latchBytesLeft: c.latchBytesLeft,
      latchValue: c.latchValue,
      statusLatched: c.statusLatched,
      statusValue: c.statusValue,
    }));
    this.cancelIrq();
    if (s.irqTimerDueInNs !== null) this.armIrq(this.now() + BigInt(s.irqTimerDueInNs));
  }

  private parseChannel(r: StateReader): PitChannelState {
    return {
      mode: r.uint("mode", 5),
      access: r.uintIn("access", [1, 2, 3] as const),
      bcd: r.bool("bcd"),
      reload: r.uint("reload", 0xffff),
      ticksSinceLoad: r.decimalOrNull("ticksSinceLoad"),
      writeHighNext: r.bool("writeHighNext"),
      lowByteWritten: r.uint("lowByteWritten", 0xff),
      readHighNext: r.bool("readHighNext"),
      latchBytesLeft: r.uint("latchBytesLeft", 2),
      latchValue: r.uint("latchValue", 0xffff),
      statusLatched: r.bool("statusLatched"),
      statusValue: r.uint("statusValue", 0xff),
    };
  }

  private now(): bigint {
    return this.timers.now();
  }

  private controlWord(v: number): void {
    const sc = v >>> 6;
    if (sc === SC_READ_BACK) {
      this.readBack(v);
      return;
    }
    const c = this.ch[sc];
    if (c === undefined) return;
    const rw = (v >>> 4) & 3;
    if (rw === RW_LATCH) {
      if (c.latchBytesLeft === 0) this.latchCount(c);
      return;
    }
    c.access = rw as Access;
    const mode = (v >>> 1) & 7;
    c.mode = mode > 5 ? mode - 4 : mode; // modes 6 and 7 are modes 2 and 3
    c.bcd = (v & 1) !== 0;
    c.loadTick = null; // a control word stops the counter until a count is written
    c.writeHighNext = c.readHighNext = false;
    c.latchBytesLeft = 0;
    c.statusLatched = false;
    if (sc === 0) {
      this.cancelIrq();
      this.irq0.set(c.mode !== 0); // OUT goes low in mode 0, high in the others
    }
  }

  /** Read-back command: bits 3-1 select counters 2-0; latches count and/or status of each. */
  private readBack(v: number): void {
    for (let i = 0; i < 3; i++) {
      if ((v & (2 << i)) === 0) continue;
      const c = this.ch[i];
      if (c === undefined) continue;
      if ((v & READBACK_NOT_STATUS) === 0 && !c.statusLatched) {
        c.statusLatched = true;
        c.statusValue = (this.output(c) ? STATUS_OUTPUT : 0) | (c.loadTick === null ? 0x40 : 0) | (c.access << 4) | (c.mode << 1) | (c.bcd ? 1 : 0);
      }
      if ((v & READBACK_NOT_COUNT) === 0 && c.latchBytesLeft === 0) this.latchCount(c);
    }
  }

  private latchCount(c: Channel): void {
    c.latchValue = this.count(c);
    c.latchBytesLeft = c.access === 3 ? 2 : 1;
  }

  /** Writes the initial count: counting restarts now (as QEMU does, also in modes 2 and 3). */
  private load(index: number, count: number): void {
    const c = this.ch[index];
    if (c === undefined) return;
    c.reload = count;
    c.loadTick = tickAt(this.now());
    if (index !== 0) return;
    if (c.mode === 0 || c.mode === 1) this.irq0.set(false);
    this.cancelIrq();
    const edge = this.nextEdgeTick(c, c.loadTick);
    if (edge !== null) this.armIrq(timeOfTick(edge));
  }

  private period(c: Channel): bigint {
    return c.reload === 0 ? 65536n : BigInt(c.reload);
  }

  /** Current counting element value; a stopped counter reads its initial count. */
  private count(c: Channel): number {
    if (c.loadTick === null) return c.reload;
    const n = this.period(c);
    const elapsed = tickAt(this.now()) - c.loadTick;
    switch (c.mode) {
      case 0:
      case 1:
      case 4:
      case 5:
        return Number((((n - elapsed) % 65536n) + 65536n) % 65536n);
      case 2:
        return Number(n - (elapsed % n)) & 0xffff;
      default: // 3: decrements by two, reloading each half period
        return Number(n - ((2n * elapsed) % n)) & 0xffff;
    }
  }

  /** OUT level now (datasheet "Mode definitions"). */
  private output(c: Channel): boolean {
    if (c.loadTick === null) return c.mode !== 0;
    const n = this.period(c);
    const elapsed = tickAt(this.now()) - c.loadTick;
    switch (c.mode) {
      case 0:
      case 1:
        return elapsed >= n;
      case 2:
        return elapsed % n !== n - 1n;
      case 3:
        return elapsed % n < (n + 1n) / 2n;
      default: // 4, 5: one-tick low strobe at terminal count
        return elapsed !== n;
    }
  }

  /** Tick of the first OUT rising edge strictly after tick `after`, or null when there is none. */
  private nextEdgeTick(c: Channel, after: bigint): bigint | null {
    if (c.loadTick === null) return null;
    const n = this.period(c);
    const since = after - c.loadTick;
    switch (c.mode) {
      case 0:
      case 1:
        return since < n ? c.loadTick + n : null;
      case 4:
      case 5:
        return since < n + 1n ? c.loadTick + n + 1n : null;
      default: // 2, 3: periodic, rising at each reload
        return c.loadTick + (since / n + 1n) * n;
    }
  }

  private armIrq(at: bigint): void {
    this.irqDue = at;
    this.timers.arm(TIMER_ID, nanos(at) as Nanos, () => this.fire());
  }

  private cancelIrq(): void {
    if (this.irqDue !== null) this.timers.cancel(TIMER_ID);
    this.irqDue = null;
  }

  /** Channel 0 reached a rising edge of OUT: pulse IRQ0 (the PIC latches the edge) and arm the next one. */
  private fire(): void {
    this.irqDue = null;
    const c = this.ch[0];
    if (c === undefined) return;
    this.irq0.set(false);
    this.irq0.set(true);
    const now = this.now();
    const edge = this.nextEdgeTick(c, tickAt(now));
    if (edge === null) return;
    let next = edge;
    const n = this.period(c);
    if (c.loadTick !== null && timeOfTick(n) < IRQ_TIMER_FLOOR_NS) {
      // Modes 2 and 3 faster than the service floor: edges thinned (timer-coalescing.ts).
      next = nextDeliveredExpiry(now, timeOfTick(c.loadTick), (t) => this.nextEdgeTick(c, tickAt(t)) ?? edge, timeOfTick);
      if (next > edge) this.missedEdges += Number((next - edge) / n);
    }
    this.armIrq(timeOfTick(next));
  }

  /** IRQ0 edges dropped by interrupt-storm coalescing since this device was built (diagnostics; not saved). */
  get coalescedEdges(): number {
    return this.missedEdges;
  }
}
