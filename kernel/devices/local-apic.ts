// The xAPIC local APIC of the one vCPU (Intel SDM vol. 3 ch. 11), accessed by offset in its 4 KiB MMIO
// page at 0xFEE00000: priorities, IRR/ISR/TMR, LVTs, the timer on virtual time and self-IPIs. It is
// not the I/O APIC, not x2APIC (no MSR access) and knows no other CPU.
import type { InterruptSource } from "../cpu/io";
import { guestPhys } from "../mem/types";
import type { Device, ParseResult, TimerService } from "./device";
import { ApicTimer, type ApicTimerFields, type TimerLvt } from "./local-apic-timer";
import { VectorBits } from "./apic-vector-bits";
import { parseStateWith } from "./state-reader";

/** Physical base of the local APIC page on a PC (IA32_APIC_BASE reset value). */
export const LOCAL_APIC_BASE = guestPhys(0xfee0_0000);
/** Size of the MMIO page. */
export const LOCAL_APIC_SIZE = 0x1000;
/** Timer bus clock assumed: 100 MHz, i.e. one bus tick every 10 ns of virtual time. */
export const DEFAULT_APIC_BUS_HZ = 100_000_000;

// Register offsets (SDM table 11-1 "Local APIC Register Address Map").
const REG_ID = 0x020; // Local APIC ID Register
const REG_VERSION = 0x030; // Local APIC Version Register
const REG_TPR = 0x080; // Task Priority Register
const REG_APR = 0x090; // Arbitration Priority Register
const REG_PPR = 0x0a0; // Processor Priority Register
const REG_EOI = 0x0b0; // EOI Register
const REG_RRD = 0x0c0; // Remote Read Register
const REG_LDR = 0x0d0; // Logical Destination Register
const REG_DFR = 0x0e0; // Destination Format Register
const REG_SVR = 0x0f0; // Spurious Interrupt Vector Register
const REG_ISR0 = 0x100; // In-Service Register, 8 x 32 bits
const REG_TMR0 = 0x180; // Trigger Mode Register, 8 x 32 bits
const REG_IRR0 = 0x200; // Interrupt Request Register, 8 x 32 bits
const REG_ESR = 0x280; // Error Status Register
const REG_ICR_LOW = 0x300; // Interrupt Command Register bits 0-31
const REG_ICR_HIGH = 0x310; // Interrupt Command Register bits 32-63
const REG_LVT_TIMER = 0x320; // LVT Timer Register
const REG_LVT_THERMAL = 0x330; // LVT Thermal Sensor Register
const REG_LVT_PERF = 0x340; // LVT Performance Monitoring Counters Register
const REG_LVT_LINT0 = 0x350; // LVT LINT0 Register
const REG_LVT_LINT1 = 0x360; // LVT LINT1 Register
const REG_LVT_ERROR = 0x370; // LVT Error Register
const REG_TIMER_INITIAL = 0x380; // Initial Count Register (for Timer)
const REG_TIMER_CURRENT = 0x390; // Current Count Register (for Timer)
const REG_TIMER_DIVIDE = 0x3e0; // Divide Configuration Register (for Timer)

/** Version register: version 0x14 (integrated APIC), Max LVT Entry 5 (six LVTs), no EOI suppression. */
export const LOCAL_APIC_VERSION = 0x0005_0014;

const SVR_APIC_ENABLE = 1 << 8; // SVR: APIC Software Enable/Disable
const SVR_WRITABLE = 0x3ff; // SVR: spurious vector, software enable, focus processor checking
const LVT_MASKED = 1 << 16; // LVT: Mask
const LVT_DELIVERY_MODE_MASK = 0x700; // LVT: Delivery Mode
const LVT_DELIVERY_EXTINT = 0x700; // LVT: Delivery Mode 111 = ExtINT
const LVT_TIMER_PERIODIC = 1 << 17; // LVT Timer: Timer Mode 01 = periodic
const LVT_TIMER_WRITABLE = 0x0003_00ff; // vector, mask, timer mode (no TSC-deadline: not in CPUID)
const LVT_LINT_WRITABLE = 0x0001_a7ff; // vector, delivery mode, input pin polarity, trigger mode, mask
const LVT_LOCAL_WRITABLE = 0x0001_07ff; // thermal / perfmon: vector, delivery mode, mask
const LVT_ERROR_WRITABLE = 0x0001_00ff; // vector, mask
const ESR_SEND_ILLEGAL_VECTOR = 1 << 5; // ESR: Send Illegal Vector
const ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6; // ESR: Received Illegal Vector
const ESR_ILLEGAL_REGISTER = 1 << 7; // ESR: Illegal Register Address
const ICR_LOW_WRITABLE = 0x000c_cfff; // vector, delivery mode, destination mode, level, trigger, shorthand
const ICR_DEST_LOGICAL = 1 << 11; // ICR: Destination Mode (1 = logical)
const ICR_SHORTHAND_SHIFT = 18; // ICR: Destination Shorthand (00 none, 01 self, 10 all incl. self, 11 all excl.)
const DFR_FLAT = 0xf; // DFR model bits 28-31: 1111 = flat model

/** Receives the vector of every EOI for a level-triggered interrupt (the EOI broadcast to I/O APICs). */
export interface EoiBroadcast {
  eoi(vector: number): void;
}

/** Saved local APIC: registers by name; the running timer as nanoseconds since it started. */
export interface LocalApicState extends ApicTimerFields {
  readonly id: number;
  readonly tpr: number;
  readonly ldr: number;
  readonly dfr: number;
  readonly svr: number;
  readonly isr: readonly number[];
  readonly tmr: readonly number[];
  readonly irr: readonly number[];
  readonly esr: number;
  readonly esrPending: number;
  readonly icrLow: number;
  readonly icrHigh: number;
  readonly lvtTimer: number;
  readonly lvtThermal: number;
  readonly lvtPerf: number;
  readonly lvtLint0: number;
  readonly lvtLint1: number;
  readonly lvtError: number;
}

/** Options of a local APIC. */
export interface LocalApicOptions {
  /** APIC ID at reset (bits 24-31 of the ID register). */
  readonly apicId?: number;
  /** Timer bus clock in Hz; DEFAULT_APIC_BUS_HZ when absent. */
  readonly busHz?: number;
}

/** The local APIC: a Device on its MMIO page, the CPU's InterruptSource, the I/O APIC's sink. */
export class LocalApic implements Device<LocalApicState>, InterruptSource {
  readonly name = "local-apic";
  private readonly resetId: number;
  private eoiBroadcast: EoiBroadcast | undefined;
  private id = 0;
  private tpr = 0;
  private ldr = 0;
  private dfr = 0xffff_ffff;
  private svr = 0xff;
  private readonly isr = new VectorBits();
  private readonly tmr = new VectorBits();
  private readonly irr = new VectorBits();
  private esr = 0;
  private esrPending = 0;
  private icrLow = 0;
  private icrHigh = 0;
  private lvtTimer = LVT_MASKED;
  private lvtThermal = LVT_MASKED;
  private lvtPerf = LVT_MASKED;
  private lvtLint0 = LVT_MASKED;
  private lvtLint1 = LVT_MASKED;
  private lvtError = LVT_MASKED;
  private readonly timer: ApicTimer;

  constructor(timers: TimerService, options: LocalApicOptions = {}) {
    this.resetId = options.apicId ?? 0;
    const busHz = options.busHz ?? DEFAULT_APIC_BUS_HZ;
    if (!Number.isInteger(this.resetId) || this.resetId < 0 || this.resetId > 0xff) throw new RangeError(`bad APIC ID ${this.resetId}`);
    if (!Number.isInteger(busHz) || busHz <= 0) throw new RangeError(`bad APIC bus frequency ${busHz}`);
    const lvt = (): TimerLvt => ({
      periodic: (this.lvtTimer & LVT_TIMER_PERIODIC) !== 0,
      masked: (this.lvtTimer & LVT_MASKED) !== 0,
    });
    // One interrupt however many periods passed while the partition was not running (IRR is one bit).
    this.timer = new ApicTimer(timers, busHz, lvt, () => this.deliver(this.lvtTimer & 0xff, false));
    this.reset();
  }

  /** Connects the I/O APIC(s) that want EOIs of level-triggered vectors. */
  setEoiBroadcast(target: EoiBroadcast | undefined): void {
    this.eoiBroadcast = target;
  }

  reset(): void {
    this.timer.reset();
    this.id = (this.resetId << 24) >>> 0;
    this.tpr = 0;
    this.ldr = 0;
    this.dfr = 0xffff_ffff;
    this.svr = 0xff;
    this.isr.clearAll();
    this.tmr.clearAll();
    this.irr.clearAll();
    this.esr = 0;
    this.esrPending = 0;
    this.icrLow = 0;
    this.icrHigh = 0;
    this.lvtTimer = this.lvtThermal = this.lvtPerf = LVT_MASKED;
    this.lvtLint0 = this.lvtLint1 = this.lvtError = LVT_MASKED;
  }

  /** SVR bit 8: the APIC is software-enabled. */
  get softwareEnabled(): boolean {
    return (this.svr & SVR_APIC_ENABLE) !== 0;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if ((offset & 0xf) + size > 4) return 0;
    const value = this.readRegister(offset & 0xff0);
    if (size === 4) return value >>> 0;
    const shift = (offset & 3) * 8;
    return (value >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  /** Only aligned 32-bit stores reach a register (SDM 11.4.1); narrower stores are ignored. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || (offset & 0xf) !== 0) return;
    this.writeRegister(offset & 0xff0, value >>> 0);
  }

  private readRegister(reg: number): number {
    if (reg >= REG_ISR0 && reg < REG_ISR0 + 0x80) return this.isr.word((reg - REG_ISR0) >> 4);
    if (reg >= REG_TMR0 && reg < REG_TMR0 + 0x80) return this.tmr.word((reg - REG_TMR0) >> 4);
    if (reg >= REG_IRR0 && reg < REG_IRR0 + 0x80) return this.irr.word((reg - REG_IRR0) >> 4);
    switch (reg) {
      case REG_ID: return this.id;
      case REG_VERSION: return LOCAL_APIC_VERSION;
      case REG_TPR: return this.tpr;
      case REG_APR: return 0;
      case REG_PPR: return this.processorPriority();
      case REG_EOI: return 0;
      case REG_RRD: return 0;
      case REG_LDR: return this.ldr;
      case REG_DFR: return this.dfr;
      case REG_SVR: return this.svr;
      case REG_ESR: return this.esr;
      case REG_ICR_LOW: return this.icrLow; // Delivery Status always 0: self-IPIs are accepted at once
      case REG_ICR_HIGH: return this.icrHigh;
      case REG_LVT_TIMER: return this.lvtTimer;
      case REG_LVT_THERMAL: return this.lvtThermal;
      case REG_LVT_PERF: return this.lvtPerf;
      case REG_LVT_LINT0: return this.lvtLint0;
      case REG_LVT_LINT1: return this.lvtLint1;
      case REG_LVT_ERROR: return this.lvtError;
      case REG_TIMER_INITIAL: return this.timer.initialCount;
      case REG_TIMER_CURRENT: return this.timer.currentCount();
      case REG_TIMER_DIVIDE: return this.timer.divideConfig;
      default:
        this.raiseError(ESR_ILLEGAL_REGISTER);
        return 0;
    }
  }

  private writeRegister(reg: number, value: number): void {
    const masked = this.softwareEnabled ? 0 : LVT_MASKED; // SDM 11.4.7.2: LVT masks stick while disabled
    switch (reg) {
      case REG_ID: this.id = (value & 0xff00_0000) >>> 0; return;
      case REG_TPR: this.tpr = value & 0xff; return;
      case REG_EOI: this.endOfInterrupt(); return;
      case REG_LDR: this.ldr = (value & 0xff00_0000) >>> 0; return;
      case REG_DFR: this.dfr = (value | 0x0fff_ffff) >>> 0; return;
      case REG_SVR: this.writeSvr(value); return;
      case REG_ESR: this.esr = this.esrPending; this.esrPending = 0; return; // write latches errors
      case REG_ICR_LOW: this.icrLow = value & ICR_LOW_WRITABLE; this.sendIpi(); return;
      case REG_ICR_HIGH: this.icrHigh = (value & 0xff00_0000) >>> 0; return;
      case REG_LVT_TIMER: this.lvtTimer = (value & LVT_TIMER_WRITABLE) | masked; this.timer.rearm(); return;
      case REG_LVT_THERMAL: this.lvtThermal = (value & LVT_LOCAL_WRITABLE) | masked; return;
      case REG_LVT_PERF: this.lvtPerf = (value & LVT_LOCAL_WRITABLE) | masked; return;
      case REG_LVT_LINT0: this.lvtLint0 = (value & LVT_LINT_WRITABLE) | masked; return;
      case REG_LVT_LINT1: this.lvtLint1 = (value & LVT_LINT_WRITABLE) | masked; return;
      case REG_LVT_ERROR: this.lvtError = (value & LVT_ERROR_WRITABLE) | masked; return;
      case REG_TIMER_INITIAL: this.timer.setInitial(value); return;
      case REG_TIMER_DIVIDE: this.timer.setDivide(value & 0b1011); return;
      case REG_VERSION: case REG_APR: case REG_PPR: case REG_RRD: case REG_TIMER_CURRENT:
        return; // read-only
      default:
        if (reg >= REG_ISR0 && reg < REG_IRR0 + 0x80) return; // ISR/TMR/IRR are read-only
        this.raiseError(ESR_ILLEGAL_REGISTER);
    }
  }

  private writeSvr(value: number): void {
    this.svr = value & SVR_WRITABLE;
    if (this.softwareEnabled) return;
    this.lvtTimer |= LVT_MASKED;
    this.lvtThermal |= LVT_MASKED;
    this.lvtPerf |= LVT_MASKED;
    this.lvtLint0 |= LVT_MASKED;
    this.lvtLint1 |= LVT_MASKED;
    this.lvtError |= LVT_MASKED;
    this.timer.rearm();
  }

  // ---- interrupt acceptance (SDM 11.8.3) -------------------------------------------------------

  /** Processor Priority: TPR if its class is at least the highest in-service class, else that class. */
  private processorPriority(): number {
    const isrv = Math.max(this.isr.highest(), 0);
    return (this.tpr & 0xf0) >= (isrv & 0xf0) ? this.tpr : isrv & 0xf0;
  }

  /**
   * Accepts a fixed interrupt from the I/O APIC or a local source into IRR (TMR set for level).
   * A software-disabled APIC drops it; vectors 0-15 are illegal and only set ESR.
   */
  deliver(vector: number, levelTriggered: boolean): void {
    if (!this.softwareEnabled) return;
    if (vector < 16) {
      this.raiseError(ESR_RECEIVE_ILLEGAL_VECTOR);
      return;
    }
    this.irr.set(vector);
    if (levelTriggered) this.tmr.set(vector);
    else this.tmr.clear(vector);
  }

  /** An IRR vector whose priority class is above the processor priority class (SDM 11.8.3.1). */
  pending(): boolean {
    const v = this.irr.highest();
    return v >= 0 && (v & 0xf0) > (this.processorPriority() & 0xf0);
  }

  /** INTA: the highest acceptable IRR vector moves to ISR; with none, the spurious vector. */
  acknowledge(): number {
    if (!this.pending()) return this.svr & 0xff; // the spurious vector (SDM 11.9)
    const v = this.irr.highest();
    this.irr.clear(v);
    this.isr.set(v);
    return v;
  }

  /**
   * Whether the PIC's INTR reaches the CPU (virtual-wire mode): LINT0 unmasked with ExtINT delivery,
   * or the APIC software-disabled as after reset so that PIC-only guests work without firmware setup.
   */
  acceptsExtInt(): boolean {
    if (!this.softwareEnabled) return true;
    return (this.lvtLint0 & LVT_MASKED) === 0 && (this.lvtLint0 & LVT_DELIVERY_MODE_MASK) === LVT_DELIVERY_EXTINT;
  }

  private endOfInterrupt(): void {
    const v = this.isr.highest();
    if (v < 0) return;
    this.isr.clear(v);
    if (this.tmr.has(v)) this.eoiBroadcast?.eoi(v);
  }

  private raiseError(bit: number): void {
    this.esrPending |= bit;
    if ((this.lvtError & LVT_MASKED) === 0 && (this.lvtError & 0xff) >= 16) this.deliver(this.lvtError & 0xff, false);
  }

  /** ICR write: only destinations that include this APIC have an effect, and only Fixed/Lowest. */
  private sendIpi(): void {
    const shorthand = (this.icrLow >>> ICR_SHORTHAND_SHIFT) & 3;
    const toSelf = shorthand === 1 || shorthand === 2 || (shorthand === 0 && this.destinationMatches());
    const mode = (this.icrLow >>> 8) & 7;
    if (!toSelf || (mode !== 0 && mode !== 1)) return; // INIT/SIPI/NMI/SMI: no other CPU to act on
    const vector = this.icrLow & 0xff;
    if (vector < 16) {
      this.raiseError(ESR_SEND_ILLEGAL_VECTOR);
      return;
    }
    this.deliver(vector, false);
  }

  private destinationMatches(): boolean {
    const dest = this.icrHigh >>> 24;
    if ((this.icrLow & ICR_DEST_LOGICAL) === 0) return dest === 0xff || dest === this.id >>> 24;
    const logical = this.ldr >>> 24;
    if (this.dfr >>> 28 === DFR_FLAT) return (dest & logical) !== 0;
    return dest === 0xff || ((dest & 0xf0) === (logical & 0xf0) && (dest & logical & 0x0f) !== 0);
  }

  // ---- state ------------------------------------------------------------------------------------

  saveState(): LocalApicState {
    return {
      id: this.id, tpr: this.tpr, ldr: this.ldr, dfr: this.dfr, svr: this.svr,
      isr: this.isr.toArray(), tmr: this.tmr.toArray(), irr: this.irr.toArray(),
      esr: this.esr, esrPending: this.esrPending, icrLow: this.icrLow, icrHigh: this.icrHigh,
      lvtTimer: this.lvtTimer, lvtThermal: this.lvtThermal, lvtPerf: this.lvtPerf,
      lvtLint0: this.lvtLint0, lvtLint1: this.lvtLint1, lvtError: this.lvtError,
      ...this.timer.save(),
    };
  }

  parseState(raw: unknown): ParseResult<LocalApicState> {
    const parsed = parseStateWith(raw, this.name, (r): LocalApicState => {
      const u32 = (name: string): number => r.uint(name, 0xffff_ffff);
      const words = (name: string): number[] => r.uintList(name, 0xffff_ffff, 8);
      return {
        id: u32("id"), tpr: r.uint("tpr", 0xff), ldr: u32("ldr"), dfr: u32("dfr"), svr: r.uint("svr", SVR_WRITABLE),
        isr: words("isr"), tmr: words("tmr"), irr: words("irr"),
        esr: r.uint("esr", 0xff), esrPending: r.uint("esrPending", 0xff), icrLow: u32("icrLow"), icrHigh: u32("icrHigh"),
        lvtTimer: u32("lvtTimer"), lvtThermal: u32("lvtThermal"), lvtPerf: u32("lvtPerf"),
        lvtLint0: u32("lvtLint0"), lvtLint1: u32("lvtLint1"), lvtError: u32("lvtError"),
        timerInitial: u32("timerInitial"), timerDivide: r.uint("timerDivide", 0b1011),
        timerCountAtStart: u32("timerCountAtStart"), timerElapsedNs: r.decimalOrNull("timerElapsedNs"),
      };
    });
    if (!parsed.ok) return parsed;
    const problem = stateProblem(parsed.state);
    return problem === undefined ? parsed : { ok: false, error: `${this.name}.${problem}` };
  }

  restoreState(s: LocalApicState): void {
    this.id = s.id; this.tpr = s.tpr; this.ldr = s.ldr; this.dfr = s.dfr; this.svr = s.svr;
    this.isr.load(s.isr); this.tmr.load(s.tmr); this.irr.load(s.irr);
    this.esr = s.esr; this.esrPending = s.esrPending; this.icrLow = s.icrLow; this.icrHigh = s.icrHigh;
    this.lvtTimer = s.lvtTimer; this.lvtThermal = s.lvtThermal; this.lvtPerf = s.lvtPerf;
    this.lvtLint0 = s.lvtLint0; this.lvtLint1 = s.lvtLint1; this.lvtError = s.lvtError;
    this.timer.restore(s);
  }
}

/** The first field combination a real APIC cannot hold, or undefined: reserved bits, list lengths, counts. */
function stateProblem(s: LocalApicState): string | undefined {
  for (const name of ["isr", "tmr", "irr"] as const) if (s[name].length !== 8) return `${name}: expected 8 words`;
  const allowed: ReadonlyArray<readonly [keyof LocalApicState, number, number]> = [
    ["id", s.id, 0xff00_0000], ["ldr", s.ldr, 0xff00_0000], ["icrHigh", s.icrHigh, 0xff00_0000],
    ["icrLow", s.icrLow, ICR_LOW_WRITABLE], ["lvtTimer", s.lvtTimer, LVT_TIMER_WRITABLE],
    ["lvtThermal", s.lvtThermal, LVT_LOCAL_WRITABLE], ["lvtPerf", s.lvtPerf, LVT_LOCAL_WRITABLE],
    ["lvtLint0", s.lvtLint0, LVT_LINT_WRITABLE], ["lvtLint1", s.lvtLint1, LVT_LINT_WRITABLE],
    ["lvtError", s.lvtError, LVT_ERROR_WRITABLE],
  ];
  for (const [name, value, mask] of allowed) {
    if ((value & ~mask) !== 0) return `${name}: bits outside 0x${(mask >>> 0).toString(16)} set`;
  }
  if ((s.dfr & 0x0fff_ffff) !== 0x0fff_ffff) return "dfr: bits 0-27 must be ones";
  if ((s.timerDivide & 0b0100) !== 0) return "timerDivide: bit 2 is reserved";
  if (s.timerCountAtStart > s.timerInitial) return "timerCountAtStart: exceeds timerInitial";
  return undefined;
}
