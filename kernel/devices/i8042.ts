// Intel 8042 keyboard controller with a PS/2 keyboard behind it (IBM PC/AT technical reference,
// "Keyboard controller"; the PS/2 keyboard command set): data port at offset 0 (0x60), status and
// command port at offset 4 (0x64), IRQ1 while the output buffer holds a keyboard byte and the command
// byte allows it. Reading the data port drops the IRQ line before the next byte raises it again, so an
// edge-triggered controller (the I/O APIC's ISA pins) sees one edge per byte, as QEMU's 8042 does.
// The AUX (mouse) port is there with nothing plugged in: its loop command (0xD3) echoes through the
// output buffer marked as AUX data (IRQ12), and a byte sent to the mouse (0xD4) comes back as 0xFE
// with the time-out bit, as on a PC without a mouse. Keys come from host input as scan code set 1
// (translation on); set 2 without translation and typematic repeat are not modelled. Pulsing the
// reset line asks the machine to reset.
import type { Device, IrqLine, ParseResult } from "./device";
import { scancodesFor } from "./scancode-set1";
import { parseStateWith } from "./state-reader";

const STATUS_OBF = 0x01; // output buffer full
const STATUS_SYS = 0x04; // system flag (self-test passed), from the command byte
const STATUS_CMD = 0x08; // last write was to the command port
const STATUS_UNLOCKED = 0x10; // keyboard not inhibited
const STATUS_AUX = 0x20; // the output buffer holds a byte from the AUX port
const STATUS_TIMEOUT = 0x40; // the AUX device did not answer
const CB_KBD_INT = 0x01; // command byte: IRQ1 on keyboard output
const CB_AUX_INT = 0x02; // command byte: IRQ12 on AUX output
const CB_SYS = 0x04;
const CB_KBD_DISABLED = 0x10;
/** The command byte a PC BIOS (SeaBIOS) leaves: keyboard interrupt, system flag, translation. */
const CB_AFTER_BIOS = 0x61;
const OUTPUT_PORT_RESET_LINE = 0x01; // output port bit 0: 0 resets the CPU
const OUTPUT_PORT_A20 = 0x02;
const ACK = 0xfa;
const RESEND = 0xfe;
/** Flags of an AUX byte in the queue and the output buffer (above the byte's 8 bits). */
const AUX_BYTE = 0x100;
const AUX_TIMEOUT = 0x200;
/** Longest keyboard queue kept: further input waits in the host (ready() is false). */
const KEYBOARD_QUEUE_MAX = 16;

/** Saved state of the controller and keyboard. */
export interface I8042State {
  readonly commandByte: number;
  readonly outputPort: number;
  /** The byte the guest reads next, with AUX_BYTE / AUX_TIMEOUT above its 8 bits. */
  readonly outputBuffer: number | null;
  readonly lastWasCommand: boolean;
  /** A controller command waiting for its data byte (0x60, 0xD1, 0xD2), or a keyboard command (0xED, 0xF0, 0xF3). */
  readonly pendingController: number | null;
  readonly pendingKeyboard: number | null;
  readonly scanning: boolean;
  /** Controller replies, and AUX bytes with their flags above bit 7. */
  readonly controllerQueue: readonly number[];
  readonly keyboardQueue: readonly number[];
  readonly usedByGuest: boolean;
}

/** The 8042 with its keyboard; `requestReset` is called when the guest pulses the reset line; `irq12` is the AUX port's IRQ (none: AUX bytes interrupt nothing). */
export class I8042 implements Device<I8042State> {
  readonly name = "i8042";
  private cb = CB_AFTER_BIOS;
  private outPort = OUTPUT_PORT_RESET_LINE | OUTPUT_PORT_A20;
  private ob: number | null = null;
  private lastCmd = false;
  private pendCtl: number | null = null;
  private pendKbd: number | null = null;
  private scanning = true;
  private ctlQueue: number[] = [];
  private kbdQueue: number[] = [];
  /** The guest has used the controller since reset: only then does typed input go to the keyboard. */
  private used = false;

  constructor(
    private readonly irq1: IrqLine,
    private readonly requestReset: (cause: string) => void,
    private readonly irq12?: IrqLine,
  ) {}

  reset(): void {
    this.cb = CB_AFTER_BIOS;
    this.outPort = OUTPUT_PORT_RESET_LINE | OUTPUT_PORT_A20;
    this.ob = null;
    this.lastCmd = false;
    this.pendCtl = this.pendKbd = null;
    this.scanning = true;
    this.ctlQueue = [];
    this.kbdQueue = [];
    this.used = false;
    this.update();
  }

  /** True when the keyboard takes another typed character (the guest uses the controller, scanning, interface enabled, queue short). */
  keyboardReady(): boolean {
    return this.used && this.scanning && (this.cb & CB_KBD_DISABLED) === 0 && this.kbdQueue.length <= KEYBOARD_QUEUE_MAX - 4;
  }

  /** A host character typed on the keyboard (make and break codes, with modifiers). */
  type(ch: number): void {
    this.kbdQueue.push(...scancodesFor(ch & 0xff));
    this.update();
  }

  read(offset: number): number {
    this.used = true;
    if (offset === 4) {
      const sys = this.cb & CB_SYS ? STATUS_SYS : 0;
      const ob = this.ob ?? 0;
      const aux = (ob & AUX_BYTE ? STATUS_AUX : 0) | (ob & AUX_TIMEOUT ? STATUS_TIMEOUT : 0);
      return (this.ob !== null ? STATUS_OBF : 0) | sys | (this.lastCmd ? STATUS_CMD : 0) | STATUS_UNLOCKED | aux;
    }
    const v = (this.ob ?? 0) & 0xff;
    this.ob = null;
    // Reading empties the buffer and drops the IRQ line; the next byte raises it again: a new edge.
    this.irq1.set(false);
    this.irq12?.set(false);
    this.update();
    return v;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value & 0xff;
    this.used = true;
    if (offset === 4) {
      this.lastCmd = true;
      this.command(v);
    } else {
      this.lastCmd = false;
      this.data(v);
    }
    this.update();
  }

  private reply(...bytes: number[]): void {
    this.ctlQueue.push(...bytes);
  }

  /** Controller commands (port 0x64). */
  private command(v: number): void {
    this.pendCtl = null;
    if (v >= 0xf0) {
      // Pulse output port lines: bit 0 low in the mask pulses the CPU reset line.
      if ((v & 1) === 0) this.requestReset(`i8042 reset line pulsed (command 0x${v.toString(16)})`);
      return;
    }
    switch (v) {
      case 0x20: this.reply(this.cb); return;
      case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4: this.pendCtl = v; return;
      case 0xa7: this.cb |= 0x20; return;
      case 0xa8: this.cb &= ~0x20; return;
      case 0xa9: this.reply(0x00); return; // AUX interface test: no error (the port is there, empty)
      case 0xaa: this.reply(0x55); return;
      case 0xab: this.reply(0x00); return;
      case 0xad: this.cb |= CB_KBD_DISABLED; return;
      case 0xae: this.cb &= ~CB_KBD_DISABLED; return;
      case 0xd0: this.reply(this.outPort | (this.ob !== null ? 0x10 : 0)); return;
      default: return; // other controller commands: ignored
    }
  }

  /** Data port writes: a controller command's operand, else a byte for the keyboard. */
  private data(v: number): void {
    const pending = this.pendCtl;
    this.pendCtl = null;
    switch (pending) {
      case 0x60: this.cb = v; return;
      case 0xd1:
        this.outPort = v | 0;
        if ((v & OUTPUT_PORT_RESET_LINE) === 0) this.requestReset("i8042 output port reset line driven low (command 0xd1)");
        return;
      case 0xd2: this.reply(v); return;
      case 0xd3: this.reply(v | AUX_BYTE); return; // AUX loop: as if the mouse had sent it
      case 0xd4: this.reply(RESEND | AUX_BYTE | AUX_TIMEOUT); return; // to the mouse: none answers
      default: break;
    }
    this.keyboardCommand(v);
  }

  private keyboardCommand(v: number): void {
    this.cb &= ~CB_KBD_DISABLED; // writing to the keyboard enables its interface
    const pending = this.pendKbd;
    this.pendKbd = null;
    if (pending === 0xf0 && v === 0) {
      this.kbdQueue.push(ACK, 0x41); // set 2, as translated
      return;
    }
    if (pending !== null) {
      this.kbdQueue.push(ACK);
      return;
    }
    switch (v) {
      case 0xed: case 0xf0: case 0xf3: this.pendKbd = v; this.kbdQueue.push(ACK); return;
      case 0xee: this.kbdQueue.push(0xee); return;
      case 0xf2: this.kbdQueue.push(ACK, 0xab, 0x41); return;
      case 0xf4: this.scanning = true; this.kbdQueue.push(ACK); return;
      case 0xf5: this.scanning = false; this.kbdQueue.length = 0; this.kbdQueue.push(ACK); return;
      case 0xf6: this.scanning = true; this.kbdQueue.push(ACK); return;
      case 0xff: this.scanning = true; this.kbdQueue.length = 0; this.kbdQueue.push(ACK, 0xaa); return;
      default: this.kbdQueue.push(0xfe); return; // resend: unknown command
    }
  }

  /** Moves the next byte into the empty output buffer (controller replies first) and drives IRQ1. */
  private update(): void {
    if (this.ob === null) {
      const c = this.ctlQueue.shift();
      if (c !== undefined) this.ob = c;
      else if ((this.cb & CB_KBD_DISABLED) === 0) {
        const k = this.kbdQueue.shift();
        if (k !== undefined) this.ob = k;
      }
    }
    const ob = this.ob;
    const aux = ob !== null && (ob & AUX_BYTE) !== 0;
    this.irq1.set(ob !== null && !aux && (this.cb & CB_KBD_INT) !== 0);
    this.irq12?.set(aux && (this.cb & CB_AUX_INT) !== 0);
  }

  saveState(): I8042State {
    return {
      commandByte: this.cb, outputPort: this.outPort, outputBuffer: this.ob, lastWasCommand: this.lastCmd,
      pendingController: this.pendCtl, pendingKeyboard: this.pendKbd, scanning: this.scanning,
      controllerQueue: [...this.ctlQueue], keyboardQueue: [...this.kbdQueue], usedByGuest: this.used,
    };
  }

  parseState(raw: unknown): ParseResult<I8042State> {
    return parseStateWith(raw, this.name, (r) => {
      const nullableByte = (name: string): number | null => r.uintOrNull(name, 0xff);
      return {
        commandByte: r.uint("commandByte", 0xff), outputPort: r.uint("outputPort", 0xff),
        outputBuffer: r.uintOrNull("outputBuffer", 0x3ff), lastWasCommand: r.bool("lastWasCommand"),
        pendingController: nullableByte("pendingController"), pendingKeyboard: nullableByte("pendingKeyboard"),
        scanning: r.bool("scanning"), controllerQueue: r.uintList("controllerQueue", 0x3ff, 64),
        keyboardQueue: r.uintList("keyboardQueue", 0xff, 64), usedByGuest: r.bool("usedByGuest"),
      };
    });
  }

  restoreState(s: I8042State): void {
    this.cb = s.commandByte;
    this.outPort = s.outputPort;
    this.ob = s.outputBuffer;
    this.lastCmd = s.lastWasCommand;
    this.pendCtl = s.pendingController;
    this.pendKbd = s.pendingKeyboard;
    this.scanning = s.scanning;
    this.ctlQueue = [...s.controllerQueue];
    this.kbdQueue = [...s.keyboardQueue];
    this.used = s.usedByGuest;
    this.update();
  }
}
