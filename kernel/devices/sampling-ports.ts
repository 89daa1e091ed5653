// apexvisor's sampling-port device: 16 I/O ports through which an unmodified guest of an FV partition
// (a Linux program through /dev/port) reads and writes its partition's ARINC 653 sampling ports. The
// register map is below and in partitions/linux-mixed/README.md. The messages themselves live in the
// module's port router; this chip only latches one message and forwards READ/WRITE commands to a link.
import type { PortDirection } from "../config/model";
import type { ReturnCode } from "../ports/return-codes";
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** First port of the device (16 ports: 0x650-0x65F; "653"). */
export const SAMPLING_PORTS_BASE = 0x650;
export const SAMPLING_PORTS_COUNT = 16;
/** Register offsets. */
export const SP_REG = {
  /** R: SP_ID, so a driver can tell the device from a floating bus (0xFF). */
  id: 0x0,
  /** R: how many sampling ports the partition has (configuration order = index). */
  count: 0x1,
  /** R/W: index of the selected port; a write also rewinds DATA. */
  select: 0x2,
  /** W: a command (SP_CMD) on the selected port; R: its ARINC 653 RETURN_CODE, SP_STATUS_NONE before any. */
  command: 0x3,
  /** R: validity of the last READ (1 VALID, 0 INVALID). */
  validity: 0x4,
  /** R: direction of the selected port (0 SOURCE, 1 DESTINATION, 0xFF no such port). */
  direction: 0x5,
  /** R/W, 16 bits little-endian (0x6 low, 0x7 high): bytes in the buffer (after READ/NAME) or to send (WRITE). */
  length: 0x6,
  /** R, 16 bits: MaxMessageSize of the selected port (0 when none). */
  maxSize: 0x8,
  /** R/W: the buffer byte at the data index, then the index moves on (a FIFO view of the buffer). */
  data: 0xa,
} as const;
/** Value of the ID register. */
export const SP_ID = 0x53;
/** Commands written to SP_REG.command. */
export const SP_CMD = {
  /** READ_SAMPLING_MESSAGE into the buffer (LENGTH, VALIDITY set). */
  read: 0x01,
  /** WRITE_SAMPLING_MESSAGE of the buffer's first LENGTH bytes. */
  write: 0x02,
  /** The port's configured name into the buffer (LENGTH set), to find ports by name. */
  name: 0x03,
} as const;
/** STATUS before any command. */
export const SP_STATUS_NONE = 0xff;
/** RETURN_CODE values the device reports itself (ARINC 653: INVALID_PARAM). */
const INVALID_PARAM: ReturnCode = 3;
/** APEX MAX_NAME_LENGTH: a NAME command always fits in the buffer. */
const MAX_NAME_LENGTH = 30;
/** Largest message the 16-bit LENGTH register can describe. */
export const SP_MAX_MESSAGE = 0xffff;

/** One sampling port as the guest sees it. */
export interface SamplingPortInfo {
  readonly name: string;
  readonly direction: PortDirection;
  readonly maxMessageSize: number;
}

/** The kernel side: the partition's sampling ports (by index, configuration order) and the two services. */
export interface SamplingPortLink {
  readonly ports: readonly SamplingPortInfo[];
  read(index: number): { readonly returnCode: ReturnCode; readonly message: Uint8Array; readonly valid: boolean };
  write(index: number, data: Uint8Array): ReturnCode;
}

/** Saved state: the registers and the latched buffer. */
export interface SamplingPortsState {
  readonly select: number;
  readonly status: number;
  readonly valid: boolean;
  readonly length: number;
  readonly index: number;
  readonly buffer: readonly number[];
}

/** The device; every access is one byte or a 16-bit LENGTH/MAX_SIZE access (others are counted and float). */
export class SamplingPorts implements Device<SamplingPortsState> {
  readonly name = "sampling-ports";
  private select = 0;
  private status = SP_STATUS_NONE;
  private valid = false;
  private length = 0;
  private index = 0;
  private buffer = new Uint8Array(0);
  /** The largest MaxMessageSize of the partition's ports (at least a port name's 30 bytes): the buffer never grows past it. */
  private readonly capacity: number;
  /** Accesses the device does not decode (bad width, DATA past the buffer, reserved offsets), counted. */
  ignoredAccesses = 0;

  constructor(private readonly link: SamplingPortLink) {
    this.capacity = Math.min(SP_MAX_MESSAGE, Math.max(MAX_NAME_LENGTH, ...link.ports.map((p) => p.maxMessageSize)));
    this.buffer = new Uint8Array(this.capacity);
  }

  reset(): void {
    this.select = 0;
    this.status = SP_STATUS_NONE;
    this.valid = false;
    this.length = 0;
    this.index = 0;
    this.buffer.fill(0);
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size === 2 && (offset === SP_REG.length || offset === SP_REG.maxSize)) return offset === SP_REG.length ? this.length : this.selected()?.maxMessageSize ?? 0;
    if (size !== 1) return this.ignored(size === 2 ? 0xffff : 0xffffffff);
    const port = this.selected();
    switch (offset) {
      case SP_REG.id:
        return SP_ID;
      case SP_REG.count:
        return Math.min(0xff, this.link.ports.length);
      case SP_REG.select:
        return this.select;
      case SP_REG.command:
        return this.status;
      case SP_REG.validity:
        return this.valid ? 1 : 0;
      case SP_REG.direction:
        return port === undefined ? 0xff : port.direction === "SOURCE" ? 0 : 1;
      case SP_REG.length:
        return this.length & 0xff;
      case SP_REG.length + 1:
        return this.length >>> 8;
      case SP_REG.maxSize:
        return (port?.maxMessageSize ?? 0) & 0xff;
      case SP_REG.maxSize + 1:
        return (port?.maxMessageSize ?? 0) >>> 8;
      case SP_REG.data:
        if (this.index >= this.capacity) return this.ignored(0);
        return this.buffer[this.index++]!;
      default:
        return this.ignored(0xff);
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size === 2 && offset === SP_REG.length) {
      this.length = Math.min(value & 0xffff, this.capacity);
      return;
    }
    if (size !== 1) return void this.ignored(0);
    const v = value & 0xff;
    switch (offset) {
      case SP_REG.select:
        this.select = v;
        this.index = 0;
        return;
      case SP_REG.command:
        this.command(v);
        this.index = 0;
        return;
      case SP_REG.length:
        this.length = Math.min((this.length & 0xff00) | v, this.capacity);
        return;
      case SP_REG.length + 1:
        this.length = Math.min((v << 8) | (this.length & 0xff), this.capacity);
        return;
      case SP_REG.data:
        if (this.index >= this.capacity) return void this.ignored(0);
        this.buffer[this.index++] = v;
        return;
      default:
        this.ignored(0); // read-only or reserved register
    }
  }

  saveState(): SamplingPortsState {
    return { select: this.select, status: this.status, valid: this.valid, length: this.length, index: this.index, buffer: [...this.buffer] };
  }

  parseState(raw: unknown): ParseResult<SamplingPortsState> {
    const cap = this.capacity;
    const parsed = parseStateWith(raw, this.name, (r) => ({
      select: r.uint("select", 0xff),
      status: r.uint("status", 0xff),
      valid: r.bool("valid"),
      length: r.uint("length", cap),
      index: r.uint("index", cap),
      buffer: r.uintList("buffer", 0xff, cap),
    }));
    if (parsed.ok && parsed.state.buffer.length !== cap) return { ok: false, error: `${this.name}.buffer: expected ${cap} bytes (the largest MaxMessageSize), got ${parsed.state.buffer.length}` };
    return parsed;
  }

  restoreState(s: SamplingPortsState): void {
    this.select = s.select;
    this.status = s.status;
    this.valid = s.valid;
    this.length = s.length;
    this.index = s.index;
    this.buffer.set(s.buffer);
  }

  private selected(): SamplingPortInfo | undefined {
    return this.link.ports[this.select];
  }

  /** Runs command `cmd` on the selected port; the outcome is the STATUS register (guest mistakes are return codes, never faults). */
  private command(cmd: number): void {
    const port = this.selected();
    if (port === undefined) {
      this.status = INVALID_PARAM;
      return;
    }
    switch (cmd) {
      case SP_CMD.read: {
        const got = this.link.read(this.select);
        const n = Math.min(got.message.length, this.capacity);
        this.buffer.fill(0);
        this.buffer.set(got.message.subarray(0, n));
        this.length = n;
        this.valid = got.valid;
        this.status = got.returnCode;
        return;
      }
      case SP_CMD.write:
        this.status = this.link.write(this.select, this.buffer.slice(0, this.length));
        return;
      case SP_CMD.name: {
        const bytes = new TextEncoder().encode(port.name).subarray(0, this.capacity);
        this.buffer.fill(0);
        this.buffer.set(bytes);
        this.length = bytes.length;
        this.status = 0;
        return;
      }
      default:
        this.status = INVALID_PARAM;
    }
  }

  private ignored(value: number): number {
    this.ignoredAccesses++;
    return value;
  }
}
