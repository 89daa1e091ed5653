// The 82093AA-style I/O APIC (version 0x11, 24 pins) at 0xFEC00000: IOREGSEL/IOWIN access, the
// redirection table, and routing of its input pins to the local APIC with remote IRR for level pins.
// It does not model the APIC bus, other CPUs or destinations: every fixed/lowest message reaches the BSP.
import { guestPhys } from "../mem/types";
import type { Device, IrqLine, ParseResult } from "./device";
import type { EoiBroadcast } from "./local-apic";
import { parseStateWith } from "./state-reader";

/** Physical base of the I/O APIC on a PC. */
export const IO_APIC_BASE = guestPhys(0xfec0_0000);
/** Size of its MMIO window. */
export const IO_APIC_SIZE = 0x20;
/** I/O APIC ID at reset: the first ID after the one CPU's local APIC (0), as MP tables list it. */
export const DEFAULT_IO_APIC_ID = 1;
/** Number of input pins (redirection entries). */
export const IO_APIC_PINS = 24;
/** IOAPICVER: Maximum Redirection Entry 23 (bits 16-23), APIC Version 0x11 (bits 0-7). */
export const IO_APIC_VERSION = ((IO_APIC_PINS - 1) << 16) | 0x11;

const OFFSET_IOREGSEL = 0x00; // I/O Register Select
const OFFSET_IOWIN = 0x10; // I/O Window
const REG_IOAPICID = 0x00; // IOAPIC Identification
const REG_IOAPICVER = 0x01; // IOAPIC Version
const REG_IOAPICARB = 0x02; // IOAPIC Arbitration ID
const REG_IOREDTBL0 = 0x10; // first Redirection Table register (entry n: 0x10 + 2n low, 0x11 + 2n high)

const RTE_DELIVERY_MODE_SHIFT = 8; // Delivery Mode (000 fixed, 001 lowest priority, ...)
const RTE_DELIVERY_STATUS = 1 << 12; // Delivery Status (read-only)
const RTE_REMOTE_IRR = 1 << 14; // Remote IRR (read-only, level-triggered only)
const RTE_TRIGGER_LEVEL = 1 << 15; // Trigger Mode (1 = level)
const RTE_MASKED = 1 << 16; // Interrupt Mask
const RTE_LOW_WRITABLE = 0x0001_afff; // vector, delivery mode, dest mode, polarity, trigger, mask
const RTE_HIGH_WRITABLE = 0xff00_0000; // Destination Field

/** Where the I/O APIC sends its interrupt messages: the local APIC's acceptance into IRR. */
export interface LapicSink {
  deliver(vector: number, levelTriggered: boolean): void;
}

/** Saved I/O APIC: registers by name, redirection entries as low/high words, input pin levels as a bit mask. */
export interface IoApicState {
  readonly id: number;
  readonly ioregsel: number;
  readonly redirectionLow: readonly number[];
  readonly redirectionHigh: readonly number[];
  /** Bit n set: input pin n is asserted. */
  readonly pinLevels: number;
}

/** The I/O APIC device; its pins are driven through `pin(n)` lines. */
export class IoApic implements Device<IoApicState>, EoiBroadcast {
  readonly name = "io-apic";
  private id = 0;
  private ioregsel = 0;
  private readonly low = new Array<number>(IO_APIC_PINS).fill(RTE_MASKED);
  private readonly high = new Array<number>(IO_APIC_PINS).fill(0);
  private readonly levels = new Array<boolean>(IO_APIC_PINS).fill(false);
  /** Messages to the local APIC whose delivery mode is not fixed/lowest (NMI, SMI, INIT, ExtINT). */
  droppedMessages = 0;

  constructor(
    private readonly sink: LapicSink,
    private readonly resetId = DEFAULT_IO_APIC_ID,
  ) {
    this.reset();
  }

  reset(): void {
    this.id = (this.resetId & 0xf) << 24;
    this.ioregsel = 0;
    this.low.fill(RTE_MASKED);
    this.high.fill(0);
    this.levels.fill(false);
  }

  /** An IrqLine driving input pin `n` (logical assertion; polarity is recorded, not applied). */
  pin(n: number): IrqLine {
    if (!Number.isInteger(n) || n < 0 || n >= IO_APIC_PINS) throw new RangeError(`I/O APIC has no pin ${n}`);
    return { set: (level) => this.setPin(n, level) };
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset === OFFSET_IOREGSEL) return this.ioregsel;
    if (offset === OFFSET_IOWIN && size === 4) return this.readRegister(this.ioregsel) >>> 0;
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset === OFFSET_IOREGSEL) this.ioregsel = value & 0xff;
    else if (offset === OFFSET_IOWIN && size === 4) this.writeRegister(this.ioregsel, value >>> 0);
  }

  private readRegister(reg: number): number {
    switch (reg) {
      case REG_IOAPICID: return this.id;
      case REG_IOAPICVER: return IO_APIC_VERSION;
      case REG_IOAPICARB: return this.id; // arbitration ID is loaded from the ID
      default: {
        const entry = (reg - REG_IOREDTBL0) >> 1;
        if (reg < REG_IOREDTBL0 || entry >= IO_APIC_PINS) return 0;
        return ((reg & 1) === 0 ? this.low[entry] : this.high[entry]) ?? 0;
      }
    }
  }

  private writeRegister(reg: number, value: number): void {
    if (reg === REG_IOAPICID) {
      this.id = value & 0x0f00_0000;
      return;
    }
    const entry = (reg - REG_IOREDTBL0) >> 1;
    if (reg < REG_IOREDTBL0 || entry >= IO_APIC_PINS) return;
    if ((reg & 1) === 1) {
      this.high[entry] = (value & RTE_HIGH_WRITABLE) >>> 0;
      return;
    }
    const kept = (this.low[entry] ?? 0) & (RTE_REMOTE_IRR | RTE_DELIVERY_STATUS);
    let low = (value & RTE_LOW_WRITABLE) | kept;
    if ((low & RTE_TRIGGER_LEVEL) === 0) low &= ~RTE_REMOTE_IRR; // remote IRR is undefined for edge
    this.low[entry] = low;
    this.serviceLevel(entry);
  }

  private setPin(n: number, level: boolean): void {
    const was = this.levels[n] ?? false;
    this.levels[n] = level;
    const low = this.low[n] ?? 0;
    if ((low & RTE_TRIGGER_LEVEL) !== 0) this.serviceLevel(n);
    else if (level && !was && (low & RTE_MASKED) === 0) this.send(n); // masked edges are lost
  }

  /** A level pin sends while asserted, unmasked and not awaiting its EOI (remote IRR clear). */
  private serviceLevel(n: number): void {
    const low = this.low[n] ?? 0;
    if ((low & RTE_TRIGGER_LEVEL) === 0 || !(this.levels[n] ?? false)) return;
    if ((low & (RTE_MASKED | RTE_REMOTE_IRR)) !== 0) return;
    this.low[n] = low | RTE_REMOTE_IRR;
    this.send(n);
  }

  private send(n: number): void {
    const low = this.low[n] ?? 0;
    const mode = (low >>> RTE_DELIVERY_MODE_SHIFT) & 7;
    if (mode !== 0 && mode !== 1) {
      this.droppedMessages++;
      return;
    }
    this.sink.deliver(low & 0xff, (low & RTE_TRIGGER_LEVEL) !== 0);
  }

  /** EOI broadcast from the local APIC: clears remote IRR of level entries with that vector. */
  eoi(vector: number): void {
    for (let n = 0; n < IO_APIC_PINS; n++) {
      const low = this.low[n] ?? 0;
      if ((low & 0xff) !== vector || (low & RTE_REMOTE_IRR) === 0) continue;
      this.low[n] = low & ~RTE_REMOTE_IRR;
      this.serviceLevel(n); // still asserted: the device has more to say
    }
  }

  saveState(): IoApicState {
    return {
      id: this.id,
      ioregsel: this.ioregsel,
      redirectionLow: [...this.low],
      redirectionHigh: [...this.high],
      pinLevels: this.levels.reduce((mask, level, n) => (level ? mask | (1 << n) : mask), 0),
    };
  }

  parseState(raw: unknown): ParseResult<IoApicState> {
    const parsed = parseStateWith(raw, this.name, (r): IoApicState => ({
      id: r.uint("id", 0x0f00_0000),
      ioregsel: r.uint("ioregsel", 0xff),
      redirectionLow: r.uintList("redirectionLow", 0xffff_ffff, IO_APIC_PINS),
      redirectionHigh: r.uintList("redirectionHigh", 0xffff_ffff, IO_APIC_PINS),
      pinLevels: r.uint("pinLevels", (1 << IO_APIC_PINS) - 1),
    }));
    if (!parsed.ok) return parsed;
    const problem = stateProblem(parsed.state);
    return problem === undefined ? parsed : { ok: false, error: `${this.name}.${problem}` };
  }

  restoreState(state: IoApicState): void {
    this.id = state.id;
    this.ioregsel = state.ioregsel;
    state.redirectionLow.forEach((v, i) => (this.low[i] = v));
    state.redirectionHigh.forEach((v, i) => (this.high[i] = v));
    for (let n = 0; n < IO_APIC_PINS; n++) this.levels[n] = ((state.pinLevels >>> n) & 1) === 1;
  }
}

/** The first field a real I/O APIC cannot hold, or undefined: list lengths and reserved bits. */
function stateProblem(s: IoApicState): string | undefined {
  if ((s.id & ~0x0f00_0000) !== 0) return "id: only bits 24-27 may be set";
  if (s.redirectionLow.length !== IO_APIC_PINS) return `redirectionLow: expected ${IO_APIC_PINS} entries`;
  if (s.redirectionHigh.length !== IO_APIC_PINS) return `redirectionHigh: expected ${IO_APIC_PINS} entries`;
  const lowAllowed = RTE_LOW_WRITABLE | RTE_REMOTE_IRR | RTE_DELIVERY_STATUS;
  const badLow = s.redirectionLow.findIndex((v) => (v & ~lowAllowed) !== 0);
  if (badLow >= 0) return `redirectionLow[${badLow}]: reserved bits set`;
  const badHigh = s.redirectionHigh.findIndex((v) => (v & ~RTE_HIGH_WRITABLE) !== 0);
  if (badHigh >= 0) return `redirectionHigh[${badHigh}]: reserved bits set`;
  return undefined;
}
