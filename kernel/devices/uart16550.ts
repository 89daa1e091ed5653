// 16550A UART (National Semiconductor PC16550D datasheet): the eight registers at offsets 0-7, receive
// FIFO fed from a host input queue, transmit straight to a ByteSink, interrupts on an IrqLine.
// Not modelled: baud-rate timing (a byte leaves the moment it is written), parity/framing errors, break.
// Host input enters the receiver only when the guest looks (RBR, LSR, IIR) or enables the receive
// interrupt, and is paced by DTR/RTS flow control (receiverLine), so no byte is lost to a FIFO reset
// during the guest's UART setup and runs stay deterministic.
import type { ByteSink, Device, IrqLine, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

// Register offsets (datasheet table II).
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

// IER bits.
const IER_ERBFI = 0x01; // enable received data available interrupt
const IER_ETBEI = 0x02; // enable transmitter holding register empty interrupt
const IER_ELSI = 0x04; // enable receiver line status interrupt
const IER_EDSSI = 0x08; // enable modem status interrupt
// IIR values (bits 3-0) and FIFO flags (bits 7-6).
const IIR_NO_INT = 0x01;
const IIR_RLS = 0x06; // receiver line status
const IIR_RDA = 0x04; // received data available
const IIR_CTI = 0x0c; // character timeout indication
const IIR_THRE = 0x02; // transmitter holding register empty
const IIR_MS = 0x00; // modem status
const IIR_FIFOS_ENABLED = 0xc0;
// FCR bits.
const FCR_FIFO_ENABLE = 0x01;
const FCR_RCVR_RESET = 0x02;
// FCR bit 2 (XMIT FIFO reset) has nothing to do: the transmit FIFO is always empty, bytes leave at once.
const FCR_TRIGGER_SHIFT = 6; // bits 7-6: RCVR trigger 1, 4, 8, 14 bytes
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;
// LCR bits.
const LCR_DLAB = 0x80; // divisor latch access bit
// MCR bits.
const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
// LSR bits.
const LSR_DR = 0x01; // data ready
const LSR_OE = 0x02; // overrun error
const LSR_THRE = 0x20; // transmitter holding register empty
const LSR_TEMT = 0x40; // transmitter empty
// MSR bits.
const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04; // trailing edge ring indicator
const MSR_DDCD = 0x08;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** Modem inputs seen when not in loopback: the host side is "connected" (QEMU reports the same). */
const MSR_HOST_INPUTS = MSR_DCD | MSR_DSR | MSR_CTS;

const FIFO_DEPTH = 16;

/** Saved state of a 16550A, by register. */
export interface Uart16550State {
  readonly receiveFifo: readonly number[];
  /** Host bytes not yet taken into the receive FIFO. */
  readonly pendingInput: readonly number[];
  readonly interruptEnable: number;
  readonly lineControl: number;
  readonly modemControl: number;
  readonly scratch: number;
  readonly divisorLatch: number;
  readonly fifoEnabled: boolean;
  /** FCR bits 7-6 (index into 1, 4, 8, 14). */
  readonly triggerSelect: number;
  readonly overrun: boolean;
  readonly thrInterruptPending: boolean;
  /** MSR bits 7-0 (inputs and deltas). */
  readonly modemStatus: number;
  /** The guest has enabled the receive interrupt at some time: from then on it takes input only while that is on. */
  readonly receiveInterruptUsed: boolean;
}

/** A 16550A at offsets 0-7 (COM1 is base 0x3F8, IRQ4). */
export class Uart16550 implements Device<Uart16550State> {
  readonly name = "uart16550";
  private rx: number[] = [];
  private input: number[] = [];
  private ier = 0;
  /** ERBFI was set at some time since reset: the guest reads by interrupt, not by polling. */
  private rxIrqUsed = false;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private divisor = 0;
  private fifoEnabled = false;
  private triggerSelect = 0;
  private overrun = false;
  private thrPending = false;
  private msr = MSR_HOST_INPUTS;
  private irqLevel = false;

  constructor(
    private readonly irq: IrqLine,
    private readonly out: ByteSink,
  ) {}

  reset(): void {
    this.rx = [];
    this.input = [];
    this.ier = this.lcr = this.mcr = this.scr = this.divisor = this.triggerSelect = 0;
    this.rxIrqUsed = false;
    this.fifoEnabled = this.overrun = this.thrPending = false;
    this.msr = MSR_HOST_INPUTS;
    this.update();
  }

  /** Queues bytes from the host (e.g. stdin); they enter the receive FIFO as the guest makes room. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.input.push(b & 0xff);
    if ((this.ier & IER_ERBFI) !== 0) this.refill();
    this.update();
  }

  /**
   * The line as the guest set it up, for a host input paced at its baud rate: the divisor latch, LCR,
   * and whether the receiver takes a byte now. The host is a terminal with hardware flow control: it sends
   * only while the guest asserts DTR and RTS (its DSR and CTS), and a byte waits rather than overruns (the
   * FIFO and host queue have room). A guest that reads by interrupt also listens only while its receive
   * interrupt is on (Linux turns it off to throttle). Linux's console raises DTR alone long before anyone
   * opens the port, and its open clears the FIFOs and enables the interrupt before it raises RTS last; a
   * byte taken in between was lost to autoconfig's FIFO probe or to the FIFO enable in set_termios.
   */
  receiverLine(): { divisor: number; lineControl: number; ready: boolean } {
    const flow = (this.mcr & (MCR_DTR | MCR_RTS)) === (MCR_DTR | MCR_RTS) && !this.loopback;
    const listening = (this.ier & IER_ERBFI) !== 0 || !this.rxIrqUsed;
    const room = this.input.length === 0 && this.rx.length < this.depth;
    return { divisor: this.divisor, lineControl: this.lcr, ready: flow && listening && room };
  }

  /** Host bytes still waiting for room in the receive FIFO. */
  get pendingInputLength(): number {
    return this.input.length;
  }

  read(offset: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL: {
        if (dlab) return this.divisor & 0xff;
        const b = this.rx.shift() ?? 0;
        this.refill();
        this.update();
        return b;
      }
      case IER_DLM:
        return dlab ? this.divisor >>> 8 : this.ier;
      case IIR_FCR: {
        this.refill();
        const iir = this.interruptId();
        // Reading IIR while it reports THRE clears that source (datasheet table IV).
        if (iir === IIR_THRE) {
          this.thrPending = false;
          this.update();
        }
        return iir | (this.fifoEnabled ? IIR_FIFOS_ENABLED : 0);
      }
      case LCR:
        return this.lcr;
      case MCR:
        return this.mcr;
      case LSR: {
        const moved = this.refill();
        const lsr = (this.rx.length > 0 ? LSR_DR : 0) | (this.overrun ? LSR_OE : 0) | LSR_THRE | LSR_TEMT;
        // OE is cleared by reading LSR. The interrupt state depends on nothing else this read can change, so a
        // polled LSR that found no new byte and no overrun leaves the IRQ line as it is (a polling loop's read).
        if (moved || this.overrun) {
          this.overrun = false;
          this.update();
        }
        return lsr;
      }
      case MSR: {
        const msr = this.msr;
        this.msr &= 0xf0; // deltas are cleared by reading MSR
        this.update();
        return msr;
      }
      case SCR:
        return this.scr;
      default:
        return 0xff;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value & 0xff;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) this.divisor = (this.divisor & 0xff00) | v;
        else this.transmit(v);
        break;
      case IER_DLM:
        if (dlab) this.divisor = (this.divisor & 0x00ff) | (v << 8);
        else {
          // Enabling ETBEI with THR empty raises THRE at once (the transmitter is always empty here).
          if ((v & IER_ETBEI) !== 0 && (this.ier & IER_ETBEI) === 0) this.thrPending = true;
          this.ier = v & 0x0f;
          if ((v & IER_ERBFI) !== 0) {
            this.rxIrqUsed = true;
            this.refill();
          }
        }
        break;
      case IIR_FCR:
        this.writeFcr(v);
        break;
      case LCR:
        this.lcr = v;
        break;
      case MCR:
        this.writeMcr(v & 0x1f);
        break;
      case SCR:
        this.scr = v;
        break;
      default:
        break; // LSR and MSR are read-only
    }
    this.update();
  }

  saveState(): Uart16550State {
    return {
      receiveFifo: [...this.rx],
      pendingInput: [...this.input],
      interruptEnable: this.ier,
      lineControl: this.lcr,
      modemControl: this.mcr,
      scratch: this.scr,
      divisorLatch: this.divisor,
      fifoEnabled: this.fifoEnabled,
      triggerSelect: this.triggerSelect,
      overrun: this.overrun,
      thrInterruptPending: this.thrPending,
      modemStatus: this.msr,
      receiveInterruptUsed: this.rxIrqUsed,
    };
  }

  parseState(raw: unknown): ParseResult<Uart16550State> {
    return parseStateWith(raw, this.name, (r) => ({
      receiveFifo: r.uintList("receiveFifo", 0xff, FIFO_DEPTH),
      pendingInput: r.uintList("pendingInput", 0xff, Number.MAX_SAFE_INTEGER),
      interruptEnable: r.uint("interruptEnable", 0x0f),
      lineControl: r.uint("lineControl", 0xff),
      modemControl: r.uint("modemControl", 0x1f),
      scratch: r.uint("scratch", 0xff),
      divisorLatch: r.uint("divisorLatch", 0xffff),
      fifoEnabled: r.bool("fifoEnabled"),
      triggerSelect: r.uint("triggerSelect", 3),
      overrun: r.bool("overrun"),
      thrInterruptPending: r.bool("thrInterruptPending"),
      modemStatus: r.uint("modemStatus", 0xff),
      // Absent in snapshots written before it existed: a guest with the interrupt on now has used it.
      receiveInterruptUsed: r.raw("receiveInterruptUsed") === undefined ? (r.uint("interruptEnable", 0x0f) & IER_ERBFI) !== 0 : r.bool("receiveInterruptUsed"),
    }));
  }

  restoreState(s: Uart16550State): void {
    this.rx = [...s.receiveFifo];
    this.input = [...s.pendingInput];
    this.ier = s.interruptEnable;
    this.lcr = s.lineControl;
    this.mcr = s.modemControl;
    this.scr = s.scratch;
    this.divisor = s.divisorLatch;
    this.fifoEnabled = s.fifoEnabled;
    this.triggerSelect = s.triggerSelect;
    this.overrun = s.overrun;
    this.thrPending = s.thrInterruptPending;
    this.msr = s.modemStatus;
    this.rxIrqUsed = s.receiveInterruptUsed;
    this.irqLevel = this.interruptId() !== IIR_NO_INT;
    this.irq.set(this.irqLevel);
  }

  private get loopback(): boolean {
    return (this.mcr & MCR_LOOP) !== 0;
  }

  private get depth(): number {
    return this.fifoEnabled ? FIFO_DEPTH : 1;
  }

  /** THR write: the byte leaves at once (to the sink, or back into the receiver in loopback); THR is empty again. */
  private transmit(byte: number): void {
    this.thrPending = false;
    this.update();
    if (this.loopback) this.pushReceived(byte);
    else this.out.write(byte);
    this.thrPending = true;
  }

  private pushReceived(byte: number): void {
    if (this.rx.length >= this.depth) this.overrun = true;
    else this.rx.push(byte);
  }

  /** Moves host input into the receive FIFO while there is room (the host is disconnected in loopback); returns
   * whether it moved any byte. */
  private refill(): boolean {
    if (this.input.length === 0 || this.loopback) return false;
    const before = this.rx.length;
    while (this.rx.length < this.depth && this.input.length > 0) this.rx.push(this.input.shift() ?? 0);
    return this.rx.length !== before;
  }

  private writeFcr(v: number): void {
    const enable = (v & FCR_FIFO_ENABLE) !== 0;
    // Changing the FIFO enable bit clears both FIFOs (datasheet FCR bit 0).
    if (enable !== this.fifoEnabled || (v & FCR_RCVR_RESET) !== 0) this.rx = [];
    this.fifoEnabled = enable;
    this.triggerSelect = (v >>> FCR_TRIGGER_SHIFT) & 3;
  }

  private writeMcr(v: number): void {
    this.mcr = v;
    const inputs = this.loopback
      ? ((v & MCR_RTS) !== 0 ? MSR_CTS : 0) | ((v & MCR_DTR) !== 0 ? MSR_DSR : 0) | ((v & MCR_OUT1) !== 0 ? MSR_RI : 0) | ((v & MCR_OUT2) !== 0 ? MSR_DCD : 0)
      : MSR_HOST_INPUTS;
    const old = this.msr;
    let delta = old & 0x0f;
    if ((old ^ inputs) & MSR_CTS) delta |= MSR_DCTS;
    if ((old ^ inputs) & MSR_DSR) delta |= MSR_DDSR;
    if ((old ^ inputs) & MSR_DCD) delta |= MSR_DDCD;
    if ((old & MSR_RI) !== 0 && (inputs & MSR_RI) === 0) delta |= MSR_TERI;
    this.msr = inputs | delta;
  }

  /**
   * IIR bits 3-0 by priority (datasheet table IV). Without baud timing the character timeout is reported
   * as soon as the FIFO holds fewer bytes than the trigger level and no more host input is waiting.
   */
  private interruptId(): number {
    if ((this.ier & IER_ELSI) !== 0 && this.overrun) return IIR_RLS;
    if ((this.ier & IER_ERBFI) !== 0 && this.rx.length > 0) {
      const trigger = this.fifoEnabled ? (TRIGGER_LEVELS[this.triggerSelect] ?? 1) : 1;
      return this.rx.length >= trigger ? IIR_RDA : IIR_CTI;
    }
    if ((this.ier & IER_ETBEI) !== 0 && this.thrPending) return IIR_THRE;
    if ((this.ier & IER_EDSSI) !== 0 && (this.msr & 0x0f) !== 0) return IIR_MS;
    return IIR_NO_INT;
  }

  /** Drives the IRQ line from the interrupt state (not gated by OUT2, as in QEMU; PC boards gate it). */
  private update(): void {
    const level = this.interruptId() !== IIR_NO_INT;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
