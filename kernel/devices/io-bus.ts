// The port I/O bus of a PC machine: routes the CPU's IN/OUT to the device registered over each port
// range, by offset from the range base. Not a device itself; holds no device state.
import type { PortIo } from "../cpu/io";
import type { IoPort } from "../mem/types";

/** The part of a device the bus calls: access by offset within its range. */
export interface PortDevice {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Optional REP INS/OUTS batching (kernel/cpu/io.ts PortIo.stringLimit), by offset. */
  stringLimit?(offset: number, size: 1 | 2 | 4): number;
  readString?(offset: number, size: 1 | 2 | 4, count: number, lin: number, step: number): Uint8Array | undefined;
  writeString?(offset: number, size: 1 | 2 | 4, bytes: Uint8Array): void;
}

interface Mapping {
  readonly name: string;
  readonly base: number;
  readonly length: number;
  readonly device: PortDevice;
}

const ALL_ONES: Record<1 | 2 | 4, number> = { 1: 0xff, 2: 0xffff, 4: 0xffff_ffff };

/** Port I/O registry implementing the CPU's PortIo; unmapped reads return all-ones and are counted. */
export class IoBus implements PortIo {
  /** 1 + the index in `mappings` of each of the 65,536 ports (0: unmapped): two array reads per IN/OUT, no Map on the exit path (64 KiB). */
  private readonly byPort = new Uint8Array(0x10000);
  private readonly mappings: Mapping[] = [];
  /** Accesses to ports no device claims (reads and writes). */
  unmappedReads = 0;
  unmappedWrites = 0;

  /** Registers `device` over ports [base, base + length); throws (a wiring bug) on overlap with another device. */
  register(name: string, base: IoPort, length: number, device: PortDevice): void {
    if (!Number.isInteger(length) || length < 1 || base + length > 0x10000) throw new RangeError(`${name}: bad port range ${base}+${length}`);
    for (const m of this.mappings) {
      if (base < m.base + m.length && m.base < base + length) {
        throw new Error(`I/O ports of ${name} (0x${base.toString(16)}+${length}) overlap ${m.name} (0x${m.base.toString(16)}+${m.length})`);
      }
    }
    if (this.mappings.length >= 255) throw new Error(`${name}: more than 255 port devices on one bus`);
    const mapping = { name, base, length, device };
    this.mappings.push(mapping);
    for (let p = base; p < base + length; p++) this.byPort[p] = this.mappings.length;
  }

  /** IN: the owning device's register at (port - base), or all-ones when no device claims the port. */
  read(port: IoPort, size: 1 | 2 | 4): number {
    const m = this.mappings[(this.byPort[port & 0xffff] ?? 0) - 1];
    if (m === undefined) {
      this.unmappedReads++;
      return ALL_ONES[size];
    }
    return m.device.read(port - m.base, size);
  }

  /** REP INS/OUTS batching: what the owning device allows (0 for unmapped ports and plain devices). */
  stringLimit(port: IoPort, size: 1 | 2 | 4): number {
    const m = this.mappings[(this.byPort[port & 0xffff] ?? 0) - 1];
    return m?.device.stringLimit?.(port - m.base, size) ?? 0;
  }

  /** INS run of a batching device (only after stringLimit allowed it). */
  readString(port: IoPort, size: 1 | 2 | 4, count: number, lin: number, step: number): Uint8Array | undefined {
    const m = this.mappings[(this.byPort[port & 0xffff] ?? 0) - 1];
    if (m?.device.readString === undefined) throw new Error(`readString on port 0x${port.toString(16)}, which does not batch`);
    return m.device.readString(port - m.base, size, count, lin, step);
  }

  /** OUTS run of a batching device (only after stringLimit allowed it). */
  writeString(port: IoPort, size: 1 | 2 | 4, bytes: Uint8Array): void {
    const m = this.mappings[(this.byPort[port & 0xffff] ?? 0) - 1];
    if (m?.device.writeString === undefined) throw new Error(`writeString on port 0x${port.toString(16)}, which does not batch`);
    m.device.writeString(port - m.base, size, bytes);
  }

  /** OUT: to the owning device, or counted and dropped. */
  write(port: IoPort, size: 1 | 2 | 4, value: number): void {
    const m = this.mappings[(this.byPort[port & 0xffff] ?? 0) - 1];
    if (m === undefined) {
      this.unmappedWrites++;
      return;
    }
    m.device.write(port - m.base, size, value);
  }
}
