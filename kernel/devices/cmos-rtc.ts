// The MC146818 real-time clock and CMOS RAM behind ports 0x70 (index, offset 0) and 0x71 (data, offset 1):
// time registers derived from virtual time plus a configured epoch (never the host clock), registers
// A-D, and periodic/alarm/update interrupts on IRQ8. Not responsible for what the CMOS RAM holds at
// power-on (cmos-nvram.ts) nor for NMI delivery (it only records the NMI-disable bit).
import { ioPort, nanos } from "../mem/types";
import type { Device, IrqLine, ParseResult, TimerService } from "./device";
import { CMOS_SIZE, initialNvram, type NvramLayout } from "./cmos-nvram";
import { fieldsFromUnix, unixFromFields, type RtcFields } from "./rtc-calendar";
import { decodeHour, decodeValue, encodeHour, encodeValue, type RtcFormat } from "./rtc-register-format";
import { nextPeriodic, nextUpdate, periodicCrossed, periodTicks, updatesIn } from "./rtc-timing";
import { parseStateWith, type StateReader } from "./state-reader";

/** Index port (offset 0); the data port 0x71 is offset 1. */
export const CMOS_PORT_BASE = ioPort(0x70);
/** Number of ports. */
export const CMOS_PORT_COUNT = 2;
/** ISA IRQ of the RTC. */
export const RTC_IRQ = 8;

/** 2026-01-01T00:00:00Z: the RTC reads this at virtual time 0 unless the machine config says otherwise. */
export const DEFAULT_RTC_EPOCH_UNIX_SECONDS = 1_767_225_600;

const INDEX_NMI_DISABLE = 0x80; // port 0x70 bit 7: NMI disable
const REG_SECONDS = 0x00;
const REG_SECONDS_ALARM = 0x01;
const REG_MINUTES = 0x02;
const REG_MINUTES_ALARM = 0x03;
const REG_HOURS = 0x04;
const REG_HOURS_ALARM = 0x05;
const REG_DAY_OF_WEEK = 0x06;
const REG_DAY_OF_MONTH = 0x07;
const REG_MONTH = 0x08;
const REG_YEAR = 0x09;
const REG_A = 0x0a;
const REG_B = 0x0b;
const REG_C = 0x0c;
const REG_D = 0x0d;
const REG_CENTURY = 0x32; // IBM PC/AT century byte (BCD or binary like the others)

const A_UIP = 0x80; // Register A: Update In Progress (read-only)
const A_WRITABLE = 0x7f; // Register A: DV2-DV0 divider select, RS3-RS0 rate select
const B_SET = 0x80; // Register B: SET (halts updates)
const B_PIE = 0x40; // Register B: Periodic Interrupt Enable
const B_AIE = 0x20; // Register B: Alarm Interrupt Enable
const B_UIE = 0x10; // Register B: Update-ended Interrupt Enable
const B_DM = 0x04; // Register B: Data Mode (1 = binary, 0 = BCD)
const B_24H = 0x02; // Register B: 24/12 (1 = 24-hour)
const C_IRQF = 0x80; // Register C: Interrupt Request Flag
const C_PF = 0x40; // Register C: Periodic interrupt Flag
const C_AF = 0x20; // Register C: Alarm interrupt Flag
const C_UF = 0x10; // Register C: Update-ended interrupt Flag
const D_VRT = 0x80; // Register D: Valid RAM and Time
const ALARM_DONT_CARE = 0xc0; // alarm byte 11xxxxxx matches any value

const SECOND = 1_000_000_000n;
/** UIP is set this long before each update (datasheet: 244 us at 32.768 kHz with DV = 010). */
const UIP_LEAD_NS = 244_000n;
const TIMER_ID = "cmos-rtc.interrupt";

/** The RTC's date and time at save, in plain binary (whatever format register B selects). */
export interface RtcClockState {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Saved RTC: registers by name, the clock as a date, the divider chain as nanoseconds since power-on. */
export interface CmosRtcState {
  readonly index: number;
  readonly nmiDisabled: boolean;
  readonly regA: number;
  readonly regB: number;
  readonly regC: number;
  /** The 128 CMOS RAM bytes (the time registers' slots are unused). */
  readonly nvram: readonly number[];
  /** Divider time (nanoseconds of the 32.768 kHz chain since power-on) at save, as a decimal string. */
  readonly dividerNs: string | null;
  /** The date and time the clock reads at save (held there while SET is 1). */
  readonly clock: RtcClockState;
  /** SET holds the clock. */
  readonly frozen: boolean;
  /** Divider nanoseconds since the flags in register C were last brought up to date, as a decimal string. */
  readonly flagsAgeNs: string | null;
}

/** Construction parameters of the RTC. */
export interface CmosRtcOptions extends NvramLayout {
  /** Unix seconds the clock reads at virtual time 0 (DEFAULT_RTC_EPOCH_UNIX_SECONDS when absent). */
  readonly epochUnixSeconds?: number;
}

/** The MC146818 RTC + CMOS RAM device. */
export class CmosRtc implements Device<CmosRtcState> {
  readonly name = "cmos-rtc";
  private readonly epoch: number;
  private readonly layout: NvramLayout;
  private index = 0;
  private nmiDisabled = false;
  private regA = 0x26; // DV = 010 (32.768 kHz time base), RS = 0110 (1024 Hz), as BIOSes leave it
  private regB = B_24H;
  private regC = 0;
  private nvram: Uint8Array = new Uint8Array(CMOS_SIZE);
  private dividerBase = 0n; // divider time = virtual time + dividerBase
  private offsetSeconds = 0;
  private frozen = false;
  private frozenSeconds = 0;
  private flagsAt = 0n; // divider time of the last flag update
  private lineLevel = false;

  constructor(
    private readonly irq: IrqLine,
    private readonly timers: TimerService,
    options: CmosRtcOptions,
  ) {
    this.epoch = options.epochUnixSeconds ?? DEFAULT_RTC_EPOCH_UNIX_SECONDS;
    if (!Number.isSafeInteger(this.epoch)) throw new RangeError(`bad RTC epoch ${this.epoch}`);
    this.layout = options;
    this.reset();
  }

  /** Port 0x70 bit 7 as last written: the machine may consult it before raising an NMI. */
  get nmiMasked(): boolean {
    return this.nmiDisabled;
  }

  reset(): void {
    this.timers.cancel(TIMER_ID);
    this.index = 0;
    this.nmiDisabled = false;
    this.regA = 0x26;
    this.regB = B_24H;
    this.regC = 0;
    this.nvram = initialNvram(this.layout);
    this.dividerBase = -this.timers.now();
    this.offsetSeconds = this.epoch;
    this.frozen = false;
    this.frozenSeconds = 0;
    this.flagsAt = 0n;
    this.setLine(false);
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    if (offset === 0) return 0xff; // the index port is write-only
    if (offset !== 1) return 0xff;
    return this.readRegister(this.index);
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    if (offset === 0) {
      this.index = value & 0x7f;
      this.nmiDisabled = (value & INDEX_NMI_DISABLE) !== 0;
    } else if (offset === 1) {
      this.writeRegister(this.index, value & 0xff);
    }
  }

  // ---- clock ------------------------------------------------------------------------------------

  private dividerNow(): bigint {
    return this.timers.now() + this.dividerBase;
  }

  private seconds(): number {
    return this.frozen ? this.frozenSeconds : Number(this.dividerNow() / SECOND) + this.offsetSeconds;
  }

  private format(): RtcFormat {
    return { binary: (this.regB & B_DM) !== 0, hour24: (this.regB & B_24H) !== 0 };
  }

  private encode(n: number): number {
    return encodeValue(this.format(), n);
  }

  private decode(b: number): number {
    return decodeValue(this.format(), b);
  }

  private timeRegister(reg: number, f: RtcFields): number {
    switch (reg) {
      case REG_SECONDS: return this.encode(f.second);
      case REG_MINUTES: return this.encode(f.minute);
      case REG_HOURS: return encodeHour(this.format(), f.hour);
      case REG_DAY_OF_WEEK: return this.encode(f.weekday);
      case REG_DAY_OF_MONTH: return this.encode(f.day);
      case REG_MONTH: return this.encode(f.month);
      case REG_YEAR: return this.encode(((f.year % 100) + 100) % 100);
      default: return this.encode(Math.floor(f.year / 100)); // REG_CENTURY
    }
  }

  /** A guest write to a time register: the other fields stay, the sub-second phase of the divider too. */
  private setTimeRegister(reg: number, value: number): void {
    const f = fieldsFromUnix(this.seconds());
    const next = { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second };
    switch (reg) {
      case REG_SECONDS: next.second = this.decode(value); break;
      case REG_MINUTES: next.minute = this.decode(value); break;
      case REG_HOURS: next.hour = decodeHour(this.format(), value); break;
      case REG_DAY_OF_MONTH: next.day = this.decode(value); break;
      case REG_MONTH: next.month = this.decode(value); break;
      case REG_YEAR: next.year = Math.floor(f.year / 100) * 100 + this.decode(value); break;
      case REG_CENTURY: next.year = this.decode(value) * 100 + (f.year % 100); break;
      default: return; // day of week is derived from the date
    }
    this.catchUpFlags();
    const seconds = unixFromFields(next);
    if (this.frozen) this.frozenSeconds = seconds;
    else this.offsetSeconds = seconds - Number(this.dividerNow() / SECOND);
    this.armTimer();
  }

  // ---- registers --------------------------------------------------------------------------------

  private readRegister(reg: number): number {
    switch (reg) {
      case REG_SECONDS: case REG_MINUTES: case REG_HOURS: case REG_DAY_OF_WEEK:
      case REG_DAY_OF_MONTH: case REG_MONTH: case REG_YEAR: case REG_CENTURY:
        return this.timeRegister(reg, fieldsFromUnix(this.seconds()));
      case REG_A: return this.regA | (this.updateInProgress() ? A_UIP : 0);
      case REG_B: return this.regB;
      case REG_C: return this.readC();
      case REG_D: return D_VRT;
      default: return this.nvram[reg] ?? 0xff;
    }
  }

  private writeRegister(reg: number, value: number): void {
    switch (reg) {
      case REG_SECONDS: case REG_MINUTES: case REG_HOURS: case REG_DAY_OF_WEEK:
      case REG_DAY_OF_MONTH: case REG_MONTH: case REG_YEAR: case REG_CENTURY:
        this.setTimeRegister(reg, value);
        return;
      case REG_A:
        this.catchUpFlags();
        this.regA = value & A_WRITABLE;
        this.armTimer();
        return;
      case REG_B: this.writeB(value); return;
      case REG_C: case REG_D: return; // read-only
      default: this.nvram[reg] = value;
    }
  }

  /** SET freezes the seconds counter (and clears UIE, as the datasheet says); clearing SET resumes it. */
  private writeB(value: number): void {
    this.catchUpFlags();
    const wasSet = (this.regB & B_SET) !== 0;
    const isSet = (value & B_SET) !== 0;
    if (isSet && !wasSet) {
      this.frozenSeconds = this.seconds();
      this.frozen = true;
    } else if (!isSet && wasSet) {
      this.offsetSeconds = this.frozenSeconds - Number(this.dividerNow() / SECOND);
      this.frozen = false;
    }
    this.regB = isSet ? value & ~B_UIE : value;
    this.raiseIfEnabled();
    this.armTimer();
  }

  /** Register C: every flag set since the last read, then all clear and IRQ8 released. */
  private readC(): number {
    this.catchUpFlags();
    this.raiseIfEnabled();
    const value = this.regC;
    this.regC = 0;
    this.setLine(false);
    return value;
  }

  /** UIP: high during the 244 us before each update, never while SET holds the clock. */
  private updateInProgress(): boolean {
    return !this.frozen && this.dividerNow() % SECOND >= SECOND - UIP_LEAD_NS;
  }

  // ---- interrupts -------------------------------------------------------------------------------

  /** Sets PF/UF/AF for every event in (last update, now]: several missed events make one flag. */
  private catchUpFlags(): void {
    const from = this.flagsAt;
    const to = this.dividerNow();
    this.flagsAt = to;
    if (to <= from) return;
    if (periodicCrossed(from, to, periodTicks(this.regA))) this.regC |= C_PF;
    if (this.frozen) return;
    const { first: firstSecond, last: lastSecond } = updatesIn(from, to);
    if (lastSecond < firstSecond) return;
    this.regC |= C_UF;
    const start = lastSecond - firstSecond > 86_400n ? lastSecond - 86_400n : firstSecond;
    for (let s = start; s <= lastSecond; s++) {
      if (this.alarmMatches(Number(s) + this.offsetSeconds)) {
        this.regC |= C_AF;
        break;
      }
    }
  }

  private alarmMatches(seconds: number): boolean {
    const f = fieldsFromUnix(seconds);
    const match = (alarm: number, now: number): boolean => (alarm & ALARM_DONT_CARE) === ALARM_DONT_CARE || alarm === now;
    return (
      match(this.nvram[REG_SECONDS_ALARM] ?? 0, this.encode(f.second)) &&
      match(this.nvram[REG_MINUTES_ALARM] ?? 0, this.encode(f.minute)) &&
      match(this.nvram[REG_HOURS_ALARM] ?? 0, encodeHour(this.format(), f.hour))
    );
  }

  private raiseIfEnabled(): void {
    if ((this.regC & this.regB & (C_PF | C_AF | C_UF)) === 0) return;
    this.regC |= C_IRQF;
    this.setLine(true);
  }

  private setLine(level: boolean): void {
    if (level === this.lineLevel) return;
    this.lineLevel = level;
    this.irq.set(level);
  }

  /** Arms the next event that an enabled interrupt needs: a periodic tick or (UIE/AIE) an update. */
  private armTimer(): void {
    this.timers.cancel(TIMER_ID);
    const now = this.dividerNow();
    let next: bigint | undefined;
    const p = periodTicks(this.regA);
    if ((this.regB & B_PIE) !== 0 && p !== 0n) next = nextPeriodic(now, p);
    if ((this.regB & (B_UIE | B_AIE)) !== 0 && !this.frozen) {
      const update = nextUpdate(now);
      if (next === undefined || update < next) next = update;
    }
    if (next === undefined) return;
    this.timers.arm(TIMER_ID, nanos(next - this.dividerBase), () => this.timerFired());
  }

  private timerFired(): void {
    this.catchUpFlags();
    this.raiseIfEnabled();
    this.armTimer();
  }

  // ---- state ------------------------------------------------------------------------------------

  saveState(): CmosRtcState {
    const divider = this.dividerNow();
    const f = fieldsFromUnix(this.seconds());
    return {
      index: this.index, nmiDisabled: this.nmiDisabled, regA: this.regA, regB: this.regB, regC: this.regC,
      nvram: Array.from(this.nvram),
      dividerNs: divider.toString(),
      clock: { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second },
      frozen: this.frozen,
      flagsAgeNs: (divider - this.flagsAt).toString(),
    };
  }

  parseState(raw: unknown): ParseResult<CmosRtcState> {
    const parsed = parseStateWith(raw, this.name, (r): CmosRtcState => ({
      index: r.uint("index", 0x7f), nmiDisabled: r.bool("nmiDisabled"),
      regA: r.uint("regA", A_WRITABLE), regB: r.uint("regB", 0xff), regC: r.uint("regC", 0xf0),
      nvram: r.uintList("nvram", 0xff, CMOS_SIZE),
      dividerNs: r.decimalOrNull("dividerNs"),
      clock: parseClock(r.child("clock")),
      frozen: r.bool("frozen"),
      flagsAgeNs: r.decimalOrNull("flagsAgeNs"),
    }));
    if (!parsed.ok) return parsed;
    const problem = stateProblem(parsed.state);
    return problem === undefined ? parsed : { ok: false, error: `${this.name}.${problem}` };
  }

  /** Restores registers and re-arms; IRQ8 is not driven here (the PIC's own state holds the line). */
  restoreState(s: CmosRtcState): void {
    this.index = s.index;
    this.nmiDisabled = s.nmiDisabled;
    this.regA = s.regA;
    this.regB = s.regB;
    this.regC = s.regC;
    this.nvram = Uint8Array.from(s.nvram);
    const divider = BigInt(s.dividerNs ?? 0);
    this.dividerBase = divider - this.timers.now();
    const seconds = unixFromFields(s.clock);
    this.frozen = s.frozen;
    this.frozenSeconds = s.frozen ? seconds : 0;
    this.offsetSeconds = s.frozen ? this.epoch : seconds - Number(divider / SECOND);
    this.flagsAt = divider - BigInt(s.flagsAgeNs ?? 0);
    this.lineLevel = (s.regC & C_IRQF) !== 0;
    this.armTimer();
  }
}

function parseClock(r: StateReader): RtcClockState {
  return {
    year: r.uint("year", 99_999), month: r.uint("month", 12), day: r.uint("day", 31),
    hour: r.uint("hour", 23), minute: r.uint("minute", 59), second: r.uint("second", 59),
  };
}

/** The first field combination the chip cannot hold, or undefined. */
function stateProblem(s: CmosRtcState): string | undefined {
  if ((s.regC & 0x0f) !== 0) return "regC: low nibble must be 0";
  if (s.nvram.length !== CMOS_SIZE) return `nvram: expected ${CMOS_SIZE} bytes`;
  if (s.dividerNs === null || s.flagsAgeNs === null) return "dividerNs, flagsAgeNs: expected decimal strings";
  if (BigInt(s.flagsAgeNs) > BigInt(s.dividerNs)) return "flagsAgeNs: exceeds dividerNs";
  if (s.clock.month < 1 || s.clock.day < 1) return "clock: month and day start at 1";
  return undefined;
}
