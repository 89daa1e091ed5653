// The devices of the PC that `apexvisor boot` emulates, wired on one I/O bus: PIC pair at 0x20/0xA0,
// PIT at 0x40 (IRQ0), COM1 16550A at 0x3F8 (IRQ4), isa-debug-exit at 0xF4, debug console at 0xE9.
// Owns the machine's timer queue; does not own the CPU, memory or the clock (the caller does).
import { DebugConsoleE9 } from "../devices/debug-console-e9";
import { DebugExit, type ExitRequest } from "../devices/debug-exit";
import type { ByteSink } from "../devices/device";
import { IoBus } from "../devices/io-bus";
import { Pic8259Pair } from "../devices/pic8259-pair";
import { Pit8254 } from "../devices/pit8254";
import { Uart16550 } from "../devices/uart16550";
import { ioPort, type Nanos } from "../mem/types";
import { TimerQueue } from "./timer-queue";

/** Port bases and IRQs of the standard PC layout. */
export const PC_PORTS = { picMaster: 0x20, picSlave: 0xa0, pit: 0x40, com1: 0x3f8, debugExit: 0xf4, debugConsole: 0xe9 } as const;
export const COM1_IRQ = 4;
export const PIT_IRQ = 0;

/** What the devices need from the machine. */
export interface PcDevicesOptions {
  /** Virtual time of the machine. */
  readonly now: () => Nanos;
  /** COM1 transmit. */
  readonly serialOut: ByteSink;
  /** Port 0xE9 output, or undefined to leave the port unmapped (as QEMU does without -debugcon). */
  readonly debugConsoleOut?: ByteSink;
  /** isa-debug-exit was written: end the run with this status. */
  readonly requestExit: ExitRequest;
  /** A device armed a timer for `at` (the machine may need to end its run slice sooner). */
  readonly onTimerArmed?: (at: Nanos) => void;
}

/** The wired device set of one PC machine. */
export class PcDevices {
  readonly bus = new IoBus();
  readonly timers: TimerQueue;
  readonly pics = new Pic8259Pair();
  readonly pit: Pit8254;
  readonly com1: Uart16550;
  readonly debugExit: DebugExit;
  readonly debugConsole: DebugConsoleE9 | undefined;

  constructor(opts: PcDevicesOptions) {
    this.timers = new TimerQueue(opts.now, opts.onTimerArmed);
    this.pit = new Pit8254(this.pics.line(PIT_IRQ), this.timers);
    this.com1 = new Uart16550(this.pics.line(COM1_IRQ), opts.serialOut);
    this.debugExit = new DebugExit(opts.requestExit);
    this.debugConsole = opts.debugConsoleOut === undefined ? undefined : new DebugConsoleE9(opts.debugConsoleOut);
    this.bus.register("pic8259-master", ioPort(PC_PORTS.picMaster), 2, this.pics.master);
    this.bus.register("pic8259-slave", ioPort(PC_PORTS.picSlave), 2, this.pics.slave);
    this.bus.register("pit8254", ioPort(PC_PORTS.pit), 4, this.pit);
    this.bus.register("com1", ioPort(PC_PORTS.com1), 8, this.com1);
    this.bus.register("isa-debug-exit", ioPort(PC_PORTS.debugExit), 4, this.debugExit);
    if (this.debugConsole !== undefined) this.bus.register("debug-console-e9", ioPort(PC_PORTS.debugConsole), 1, this.debugConsole);
  }

  /**
   * Programs the chips as a PC BIOS (SeaBIOS under QEMU) leaves them before booting a kernel: PICs at
   * vectors 0x08 / 0x70 with only the timer and cascade unmasked, PIT channel 0 in mode 2 at 18.2 Hz,
   * so that the PIT's OUT is already high and the kernel's own programming raises no stray edge.
   */
  firmwareInit(): void {
    const out = (port: number, value: number): void => this.bus.write(ioPort(port), 1, value);
    out(0x43, 0x34);
    out(0x40, 0);
    out(0x40, 0);
    // PICs last: ICW1 clears IRR, so the PIT's first rising edge is not left pending at kernel entry.
    for (const [port, v] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01], [0xa0, 0x11], [0xa1, 0x70], [0xa1, 0x02], [0xa1, 0x01]] as const) out(port, v);
    out(0x21, 0xfa);
    out(0xa1, 0xff);
  }
}
