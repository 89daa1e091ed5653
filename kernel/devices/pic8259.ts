// One Intel 8259A programmable interrupt controller (8259A datasheet): ICW1-4, OCW1-3, IRR/ISR/IMR,
// priority rotation, EOI, poll. Its INT output is an injected IrqLine; the master/slave cascade and the
// CPU's interrupt acknowledge live in pic8259-pair.ts.
import type { Device, IrqLine, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

// ICW1 (offset 0, D4 = 1).
const ICW1_IC4 = 0x01; // ICW4 needed
const ICW1_SNGL = 0x02; // single (no ICW3)
const ICW1_LTIM = 0x08; // level triggered mode
const ICW1_INIT = 0x10;
// ICW4.
const ICW4_AEOI = 0x02; // automatic end of interrupt
const ICW4_SFNM = 0x10; // special fully nested mode
// OCW3 (offset 0, D4 = 0, D3 = 1).
const OCW3_SELECT = 0x08;
const OCW3_RIS = 0x01; // read ISR (with RR)
const OCW3_RR = 0x02; // read register command
const OCW3_P = 0x04; // poll command
const OCW3_SMM = 0x20; // special mask mode (with ESMM)
const OCW3_ESMM = 0x40; // enable special mask mode

type InitStep = 0 | 2 | 3 | 4;
const INIT_STEPS: readonly InitStep[] = [0, 2, 3, 4];

/** Saved state of one 8259A. */
export interface Pic8259State {
  readonly requestRegister: number;
  readonly inServiceRegister: number;
  readonly interruptMask: number;
  /** Current level of each IR input (edge detection needs the previous level). */
  readonly inputLevels: number;
  readonly vectorBase: number;
  /** ICW3: slave lines (master) or slave id (slave). */
  readonly cascade: number;
  readonly autoEoi: boolean;
  readonly rotateOnAutoEoi: boolean;
  readonly specialFullyNested: boolean;
  readonly specialMask: boolean;
  readonly levelTriggered: boolean;
  /** IR with the lowest priority (7 after initialisation). */
  readonly lowestPriority: number;
  readonly readRegister: "irr" | "isr";
  readonly pollPending: boolean;
  /** Next initialisation word expected (0 = initialised, taking OCWs). */
  readonly initStep: InitStep;
  readonly icw4Needed: boolean;
  readonly single: boolean;
}

/** One 8259A at offsets 0-1. `levelInputs` are IR lines always treated as level sensitive (a master's cascade input). */
export class Pic8259 implements Device<Pic8259State> {
  private irr = 0;
  private isr = 0;
  private imr = 0;
  private levels = 0;
  private vectorBase = 0;
  private cascade = 0;
  private autoEoi = false;
  private rotateOnAutoEoi = false;
  private sfnm = false;
  private specialMask = false;
  private levelTriggered = false;
  private lowest = 7;
  private readIsr = false;
  private poll = false;
  private initStep: InitStep = 0;
  private icw4Needed = false;
  private single = false;
  private output = false;

  constructor(
    readonly name: string,
    private readonly int: IrqLine,
    private readonly levelInputs = 0,
  ) {}

  reset(): void {
    this.irr = this.isr = this.imr = this.levels = this.vectorBase = this.cascade = 0;
    this.autoEoi = this.rotateOnAutoEoi = this.sfnm = this.specialMask = this.levelTriggered = false;
    this.lowest = 7;
    this.readIsr = this.poll = this.icw4Needed = this.single = false;
    this.initStep = 0;
    this.update();
  }

  /** Drives IR input `line`: edge mode latches IRR on a rising edge; level mode follows the level. */
  setInput(line: number, level: boolean): void {
    const bit = 1 << line;
    const wasHigh = (this.levels & bit) !== 0;
    this.levels = level ? this.levels | bit : this.levels & ~bit;
    if (this.isLevel(bit)) this.irr = level ? this.irr | bit : this.irr & ~bit;
    else if (level && !wasHigh) this.irr |= bit;
    this.update();
  }

  /** The IR line this chip would signal now, or -1 (priority and in-service checks, datasheet "Priority resolver"). */
  pendingLine(): number {
    const request = this.highest(this.irr & ~this.imr);
    if (request < 0) return -1;
    let inService = this.isr;
    if (this.specialMask) inService &= ~this.imr;
    if (this.sfnm) inService &= ~this.cascade; // a slave may interrupt its own in-service request
    const current = this.highest(inService);
    if (current >= 0 && this.priority(current) <= this.priority(request)) return -1;
    return request;
  }

  /** INTA: moves the winning request to ISR and returns its IR line, or 7 for a spurious acknowledge (ISR untouched). */
  acknowledge(): number {
    const line = this.pendingLine();
    if (line < 0) return 7;
    const bit = 1 << line;
    if (!this.isLevel(bit)) this.irr &= ~bit;
    if (!this.autoEoi) this.isr |= bit;
    else if (this.rotateOnAutoEoi) this.lowest = line;
    this.update();
    return line;
  }

  /** The vector for IR `line` (ICW2 base, 8086 mode). */
  vector(line: number): number {
    return this.vectorBase | line;
  }

  /** True when OCW1 masks IR `line`. */
  isMasked(line: number): boolean {
    return (this.imr & (1 << line)) !== 0;
  }

  /** True when ICW3 marks `line` as connected to a slave. */
  isCascadeLine(line: number): boolean {
    return !this.single && (this.cascade & (1 << line)) !== 0;
  }

  read(offset: number): number {
    if (offset === 0 && this.poll) {
      this.poll = false;
      const line = this.pendingLine();
      if (line < 0) return 0;
      this.acknowledge();
      return 0x80 | line;
    }
    if (offset === 0) return this.readIsr ? this.isr : this.irr;
    return this.imr;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value & 0xff;
    if (offset === 0) {
      if ((v & ICW1_INIT) !== 0) this.icw1(v);
      else if ((v & OCW3_SELECT) !== 0) this.ocw3(v);
      else this.ocw2(v);
    } else {
      switch (this.initStep) {
        case 0:
          this.imr = v; // OCW1
          break;
        case 2:
          this.vectorBase = v & 0xf8; // ICW2: T7-T3
          this.initStep = !this.single ? 3 : this.icw4Needed ? 4 : 0;
          break;
        case 3:
          this.cascade = v; // ICW3
          this.initStep = this.icw4Needed ? 4 : 0;
          break;
        case 4:
          this.autoEoi = (v & ICW4_AEOI) !== 0;
          this.sfnm = (v & ICW4_SFNM) !== 0;
          this.initStep = 0;
          break;
        default: {
          const never: never = this.initStep;
          throw new Error(`bad init step ${String(never)}`);
        }
      }
    }
    this.update();
  }

  saveState(): Pic8259State {
    return {
      requestRegister: this.irr,
      inServiceRegister: this.isr,
      interruptMask: this.imr,
      inputLevels: this.levels,
      vectorBase: this.vectorBase,
      cascade: this.cascade,
      autoEoi: this.autoEoi,
      rotateOnAutoEoi: this.rotateOnAutoEoi,
      specialFullyNested: this.sfnm,
      specialMask: this.specialMask,
      levelTriggered: this.levelTriggered,
      lowestPriority: this.lowest,
      readRegister: this.readIsr ? "isr" : "irr",
      pollPending: this.poll,
      initStep: this.initStep,
      icw4Needed: this.icw4Needed,
      single: this.single,
    };
  }

  parseState(raw: unknown): ParseResult<Pic8259State> {
    return parseStateWith(raw, this.name, (r) => ({
        requestRegister: r.uint("requestRegister", 0xff),
        inServiceRegister: r.uint("inServiceRegister", 0xff),
        interruptMask: r.uint("interruptMask", 0xff),
        inputLevels: r.uint("inputLevels", 0xff),
        vectorBase: r.uint("vectorBase", 0xf8),
        cascade: r.uint("cascade", 0xff),
        autoEoi: r.bool("autoEoi"),
        rotateOnAutoEoi: r.bool("rotateOnAutoEoi"),
        specialFullyNested: r.bool("specialFullyNested"),
        specialMask: r.bool("specialMask"),
        levelTriggered: r.bool("levelTriggered"),
        lowestPriority: r.uint("lowestPriority", 7),
        readRegister: r.oneOf("readRegister", ["irr", "isr"] as const),
        pollPending: r.bool("pollPending"),
        initStep: r.uintIn("initStep", INIT_STEPS),
        icw4Needed: r.bool("icw4Needed"),
        single: r.bool("single"),
      }));
  }

  restoreState(s: Pic8259State): void {
    this.irr = s.requestRegister;
    this.isr = s.inServiceRegister;
    this.imr = s.interruptMask;
    this.levels = s.inputLevels;
    this.vectorBase = s.vectorBase;
    this.cascade = s.cascade;
    this.autoEoi = s.autoEoi;
    this.rotateOnAutoEoi = s.rotateOnAutoEoi;
    this.sfnm = s.specialFullyNested;
    this.specialMask = s.specialMask;
    this.levelTriggered = s.levelTriggered;
    this.lowest = s.lowestPriority;
    this.readIsr = s.readRegister === "isr";
    this.poll = s.pollPending;
    this.initStep = s.initStep;
    this.icw4Needed = s.icw4Needed;
    this.single = s.single;
    this.output = this.pendingLine() >= 0;
    this.int.set(this.output);
  }

  /** ICW1 starts initialisation: clears IMR, ISR and IRR, IR7 lowest priority, special mask off, status read = IRR. */
  private icw1(v: number): void {
    this.icw4Needed = (v & ICW1_IC4) !== 0;
    this.single = (v & ICW1_SNGL) !== 0;
    this.levelTriggered = (v & ICW1_LTIM) !== 0;
    this.irr = this.levelTriggered ? this.levels : 0;
    this.isr = this.imr = 0;
    this.lowest = 7;
    this.specialMask = this.readIsr = this.poll = false;
    if (!this.icw4Needed) this.autoEoi = this.sfnm = false;
    this.cascade = 0;
    this.initStep = 2;
  }

  /** OCW2: R, SL, EOI in bits 7-5, level in bits 2-0. */
  private ocw2(v: number): void {
    const level = v & 7;
    switch (v >>> 5) {
      case 0b001: // non-specific EOI
        this.eoi(this.highest(this.isr), false);
        break;
      case 0b011: // specific EOI
        this.eoi(level, false);
        break;
      case 0b101: // rotate on non-specific EOI
        this.eoi(this.highest(this.isr), true);
        break;
      case 0b111: // rotate on specific EOI
        this.eoi(level, true);
        break;
      case 0b100: // rotate in automatic EOI mode (set)
        this.rotateOnAutoEoi = true;
        break;
      case 0b000: // rotate in automatic EOI mode (clear)
        this.rotateOnAutoEoi = false;
        break;
      case 0b110: // set priority
        this.lowest = level;
        break;
      default: // 0b010: no operation
        break;
    }
  }

  private eoi(line: number, rotate: boolean): void {
    if (line < 0) return;
    this.isr &= ~(1 << line);
    if (rotate) this.lowest = line;
  }

  private ocw3(v: number): void {
    if ((v & OCW3_ESMM) !== 0) this.specialMask = (v & OCW3_SMM) !== 0;
    if ((v & OCW3_RR) !== 0) this.readIsr = (v & OCW3_RIS) !== 0;
    this.poll = (v & OCW3_P) !== 0;
  }

  private isLevel(bit: number): boolean {
    return this.levelTriggered || (this.levelInputs & bit) !== 0;
  }

  /** 0 = highest priority; IR (lowest + 1) mod 8 is highest. */
  private priority(line: number): number {
    return (line - this.lowest - 1) & 7;
  }

  private highest(mask: number): number {
    for (let p = 0; p < 8; p++) {
      const line = (this.lowest + 1 + p) & 7;
      if ((mask & (1 << line)) !== 0) return line;
    }
    return -1;
  }

  private update(): void {
    const out = this.pendingLine() >= 0;
    if (out !== this.output) {
      this.output = out;
      this.int.set(out);
    }
  }
}
