// A PCI host bridge with configuration mechanism #1 (PCI Local Bus Specification 3.0, section 3.2.2.3.2):
// CONFIG_ADDRESS at 0xCF8 (dword accesses only, so byte port 0xCF9 stays the PIIX3 reset register) and
// CONFIG_DATA at 0xCFC..0xCFF. Bus 0 holds one device, the host bridge itself at 00:00.0 with the identity of
// the Intel 440FX (82441FX PMC, whose reset register and ports this PC already models); every other device,
// function and bus reads all-ones (no device). It has no memory windows or PAM registers: it answers probes.
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** Ports: CONFIG_ADDRESS (offset 0 of its own range) and CONFIG_DATA (a 4-port range). */
export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;
/** CONFIG_ADDRESS bits: enable (31), bus (23-16), device (15-11), function (10-8), register (7-2). */
const ENABLE = 0x80000000;
const ADDRESS_WRITABLE = 0x80fffffc;

/** Config space registers of the bridge's type 0 header (PCI 3.0, 6.1). */
const REG = { vendorDevice: 0x00, commandStatus: 0x04, classRevision: 0x08, headerLatency: 0x0c } as const;
/** 82441FX identity: vendor 8086, device 1237, revision 02, class 06/00/00 (host bridge), header type 0. */
const VENDOR_DEVICE = 0x12378086;
const CLASS_REVISION = 0x06000002;
/** Status: fast back-to-back capable, DEVSEL medium (bits 7, 9), as the 82441FX reports. */
const STATUS = 0x0280;
/** Command bits the bridge keeps: I/O, memory, bus master (0-2); everything else reads 0. */
const COMMAND_WRITABLE = 0x0007;
/** Command at reset: memory and bus master enabled (a host bridge decodes memory from power-on). */
const COMMAND_RESET = 0x0006;

/** Saved state: the address register, the bridge's command register and latency timer. */
export interface PciHostBridgeState {
  readonly address: number;
  readonly command: number;
  readonly latencyTimer: number;
}

/** CONFIG_ADDRESS: its own one-port range at 0xCF8 (the PCI data window is `data`, a second range). */
export class PciHostBridge implements Device<PciHostBridgeState> {
  readonly name = "pci-host-bridge";
  private address = 0;
  private command = COMMAND_RESET;
  private latencyTimer = 0;
  /** Accesses of a width the register does not decode (counted, as the I/O bus counts unmapped ports). */
  oddWidthAccesses = 0;
  /** CONFIG_DATA at 0xCFC..0xCFF: byte, word or dword at any offset that stays inside the dword. */
  readonly data = {
    read: (offset: number, size: 1 | 2 | 4): number => this.dataRead(offset, size),
    write: (offset: number, size: 1 | 2 | 4, value: number): void => this.dataWrite(offset, size, value),
  };

  reset(): void {
    this.address = 0;
    this.command = COMMAND_RESET;
    this.latencyTimer = 0;
  }

  read(_offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) {
      this.oddWidthAccesses++;
      return size === 1 ? 0xff : 0xffff;
    }
    return this.address >>> 0;
  }

  write(_offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4) {
      this.oddWidthAccesses++;
      return;
    }
    this.address = (value & ADDRESS_WRITABLE) >>> 0;
  }

  /** The config register the address selects on the bridge (bus 0, device 0, function 0), or null for no device. */
  private selected(): number | null {
    if ((this.address & ENABLE) === 0) return null;
    if ((this.address & 0x00ffff00) !== 0) return null; // another bus, device or function: nothing answers
    return this.address & 0xfc;
  }

  private configRead(reg: number): number {
    switch (reg) {
      case REG.vendorDevice:
        return VENDOR_DEVICE;
      case REG.commandStatus:
        return (STATUS << 16) | this.command;
      case REG.classRevision:
        return CLASS_REVISION;
      case REG.headerLatency:
        return this.latencyTimer << 8; // cache line 0, header type 0, BIST 0
      default:
        return 0; // implemented device, unimplemented register: reads 0 (PCI 3.0, 6.1)
    }
  }

  private dataRead(offset: number, size: 1 | 2 | 4): number {
    const reg = this.selected();
    const ones = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    if (reg === null || offset + size > 4) return ones;
    return (this.configRead(reg) >>> (8 * offset)) & ones;
  }

  private dataWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    const reg = this.selected();
    if (reg === null || offset + size > 4) return;
    // Merge the written bytes into the dword, then keep only the writable fields.
    const mask = (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff) << (8 * offset);
    const merged = (this.configRead(reg) & ~mask) | ((value << (8 * offset)) & mask);
    if (reg === REG.commandStatus) this.command = merged & COMMAND_WRITABLE;
    else if (reg === REG.headerLatency) this.latencyTimer = (merged >>> 8) & 0xff;
  }

  saveState(): PciHostBridgeState {
    return { address: this.address, command: this.command, latencyTimer: this.latencyTimer };
  }

  parseState(raw: unknown): ParseResult<PciHostBridgeState> {
    const parsed = parseStateWith(raw, this.name, (r) => ({ address: r.uint("address", 0xffffffff), command: r.uint("command", COMMAND_WRITABLE), latencyTimer: r.uint("latencyTimer", 0xff) }));
    if (parsed.ok && (parsed.state.address & ~ADDRESS_WRITABLE) !== 0) return { ok: false, error: `${this.name}.address: reserved bits 30-24 or 1-0 set` };
    return parsed;
  }

  restoreState(s: PciHostBridgeState): void {
    this.address = s.address;
    this.command = s.command;
    this.latencyTimer = s.latencyTimer;
  }
}
