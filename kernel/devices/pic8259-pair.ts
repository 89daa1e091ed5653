// The PC's two cascaded 8259As: master at 0x20 (IRQ0-7), slave at 0xA0 (IRQ8-15) on the master's IR2.
// Implements the CPU's interrupt source (pending / acknowledge); knows nothing about the devices behind the IRQs.
import type { InterruptSource } from "../cpu/io";
import type { IrqLine } from "./device";
import { Pic8259 } from "./pic8259";

/** The master IR line the slave's INT output drives. */
export const CASCADE_LINE = 2;

/** Master + slave pair; IRQ n < 8 goes to the master, 8..15 to the slave. */
export class Pic8259Pair implements InterruptSource {
  readonly master: Pic8259;
  readonly slave: Pic8259;
  /** Master INT output level, for a machine that wants to wake a halted CPU. */
  private masterOut = false;

  constructor() {
    // The cascade input follows the slave's INT level (not an edge), so a second slave request that is
    // still pending after an INTA is not lost.
    this.master = new Pic8259("pic8259-master", { set: (level) => (this.masterOut = level) }, 1 << CASCADE_LINE);
    this.slave = new Pic8259("pic8259-slave", { set: (level) => this.master.setInput(CASCADE_LINE, level) });
  }

  /** An IrqLine for IRQ `irq` (0-15), for a device's constructor. */
  line(irq: number): IrqLine {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new RangeError(`no IRQ ${irq} on a PC PIC pair`);
    const chip = irq < 8 ? this.master : this.slave;
    const input = irq & 7;
    return { set: (level) => chip.setInput(input, level) };
  }

  reset(): void {
    this.slave.reset();
    this.master.reset();
  }

  /** True when the master asserts INT to the CPU. */
  pending(): boolean {
    return this.master.pendingLine() >= 0;
  }

  /** INTA cycle: the vector of the winning request; spurious requests give the chip's IR7 vector (IRQ7 / IRQ15). */
  acknowledge(): number {
    const line = this.master.acknowledge();
    if (!this.master.isCascadeLine(line)) return this.master.vector(line);
    return this.slave.vector(this.slave.acknowledge());
  }

  /** Master INT output as last driven. */
  get intOutput(): boolean {
    return this.masterOut;
  }
}
