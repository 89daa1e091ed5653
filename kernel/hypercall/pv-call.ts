// What a paravirt service handler sees (the calling vCPU, the module services bound to the caller,
// the partition's PV state) and what it answers. Shared by the dispatcher and every handler group.
import type { PartitionConfig } from "../config/model";
import type { Cpu } from "../cpu/cpu";
import type { KernelFault } from "../health/system-state";
import type { PvImage } from "../pv/pv-image";
import { readGuestBytes, writeGuestBytes } from "../mem/guest-access";
import type { SharedMapping } from "../mem/shared-memory";
import { guestVirt, type GuestVirtAddr, type Nanos } from "../mem/types";
import type { ErrorHandlerState, KernelApi } from "../module/partition-vm";
import type { NotifyOutcome } from "../ioreq/ioreq-hub";
import { PvError } from "./generated/abi-generated";
import type { ExportLookup } from "./export-lookup";
import type { PvTimers } from "../pv/pv-timers";
import type { SharedPage } from "../pv/shared-page";

/** The PV state of one partition's vCPU that services read and change. */
export interface PvVcpuState {
  readonly partition: PartitionConfig;
  readonly image: PvImage;
  readonly lookup: ExportLookup;
  readonly shared: SharedPage;
  readonly console: (bytes: Uint8Array) => void;
  readonly ramBytes: number;
  /** The partition's shared regions (Part 2 memory blocks) and where they are mapped. */
  readonly memoryBlocks: readonly (SharedMapping & { readonly address: number })[];
  timers: PvTimers;
  /** Registered upcall entry (0: none). */
  upcallHandler: number;
  /** The RTOS's error-handler state (hm_set_handler_state); "none" until it declares one. */
  hmHandler: ErrorHandlerState;
  /** Keys already reported by logOnce. */
  readonly logged: Set<string>;
  /** The I/O server end (kernel/ioreq), when the XML names this partition as some device's Server. */
  readonly ioreq?: IoreqServerPort;
}

/** What the ioreq services reach: the caller's ring, bound to the caller by the kernel. */
export interface IoreqServerPort {
  /** Makes the page at `ring` (checked writable by the dispatcher) the ring; false when it is not RAM. */
  attach(ring: GuestVirtAddr): boolean;
  /** Takes back DONE slots; undefined when no ring is attached. */
  notify(): NotifyOutcome | undefined;
  /** Writes to the console of `client`; false when it is not a client of this server. */
  console(client: number, bytes: Uint8Array): boolean;
  /** Drives IRQ `line` of `client`; false when no device this server serves for it uses that line. */
  irq(client: number, line: number, level: boolean): boolean;
  /** The disks of the ata devices this server serves, bound to it (kernel/ioreq/served-disks.ts checks every argument). */
  readonly disks: {
    info(client: number): number;
    read(client: number, lba: number, bytes: number): Uint8Array | number;
    write(client: number, lba: number, data: Uint8Array): number;
    flush(client: number): number;
  };
}

/** One call in progress. */
export interface PvCallContext {
  readonly cpu: Cpu;
  readonly kernel: KernelApi;
  readonly vcpu: PvVcpuState;
  /** Bytes copied between guest and kernel so far (for the cost). */
  copied: number;
  /** FV callers (kernel/devices/apx-services-call.ts): true when the linear range [addr, addr+len) maps to plain RAM; pointers must name RAM, never MMIO. */
  readonly ramRange?: (addr: number, len: number) => boolean;
}

/** What a handler answers. */
export type PvCallResult =
  /** Return `value` in EAX and continue. */
  | { readonly kind: "return"; readonly value: number }
  /** Return `value` in EAX; the partition gives up the rest of its window. */
  | { readonly kind: "yield"; readonly value: number }
  /** Return OK in EAX; the vCPU idles until `until` (next timer), or to the window end when undefined. */
  | { readonly kind: "idle"; readonly until: Nanos | undefined }
  /** The handler set the registers itself (resolver). */
  | { readonly kind: "continue" }
  /** The call is a partition error for the health monitor. */
  | { readonly kind: "fault"; readonly fault: KernelFault; readonly message: string };

/** ret() answers for every PV_E* code and small count are made once (handlers never change a result). */
const RET_MIN = -128;
const RET_MAX = 4096;
const RETURNS: readonly PvCallResult[] = Array.from({ length: RET_MAX - RET_MIN + 1 }, (_, i) => Object.freeze({ kind: "return", value: RET_MIN + i }));

/** EAX = value (a PV_E* code or a count/value); no allocation for codes and counts up to 4096. */
export function ret(value: number): PvCallResult {
  if (value >= RET_MIN && value <= RET_MAX && (value | 0) === value) {
    const r = RETURNS[value - RET_MIN];
    if (r !== undefined) return r;
  }
  return { kind: "return", value };
}

/** Copies `len` guest bytes in (the range was checked by the dispatcher; a late failure is EFAULT). */
export function readIn(ctx: PvCallContext, addr: GuestVirtAddr, len: number): Uint8Array | PvError.EFAULT {
  if (len === 0) return new Uint8Array(0);
  const r = readGuestBytes(ctx.cpu, addr, len, { user: true });
  if (!r.ok) return PvError.EFAULT;
  ctx.copied += len;
  return r.value;
}

/** Copies bytes out to the guest; false when the range is not writable. */
export function writeOut(ctx: PvCallContext, addr: GuestVirtAddr, data: Uint8Array): boolean {
  if (data.length === 0) return true;
  const r = writeGuestBytes(ctx.cpu, addr, data, { user: true });
  if (r.ok) ctx.copied += data.length;
  return r.ok;
}

/** Out-structs up to this size share one view per size (every status struct of the ABI is smaller). */
const SHARED_MAX = 256;
const SHARED_VIEWS: ({ readonly bytes: Uint8Array; readonly dv: DataView } | undefined)[] = [];

/**
 * Little-endian struct builder for out-parameters, zeroed at construction. Structs up to SHARED_MAX bytes
 * are built in one buffer per size (making a fresh ArrayBuffer cost more than the rest of a trap): `bytes`
 * is valid until the next OutStruct of the same size, so handlers copy it out at once (writeOut).
 */
export class OutStruct {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(size: number) {
    let v = size <= SHARED_MAX ? SHARED_VIEWS[size] : undefined;
    if (v === undefined) {
      const bytes = new Uint8Array(size);
      v = { bytes, dv: new DataView(bytes.buffer) };
      if (size <= SHARED_MAX) SHARED_VIEWS[size] = v;
    } else v.bytes.fill(0);
    this.bytes = v.bytes;
    this.dv = v.dv;
  }
  u32(offset: number, v: number): this {
    this.dv.setUint32(offset, v >>> 0, true);
    return this;
  }
  u64(offset: number, v: bigint): this {
    this.dv.setBigUint64(offset, BigInt.asUintN(64, v), true);
    return this;
  }
}

/** Reads a NUL-padded char[n] field as text. */
export function fixedString(bytes: Uint8Array, offset: number, size: number): string {
  const field = bytes.subarray(offset, offset + size);
  const nul = field.indexOf(0);
  return String.fromCharCode(...field.subarray(0, nul < 0 ? size : nul));
}

/** Reports `text` through the kernel once per `key` (ENOSYS ids, unknown import names). */
export function logOnce(ctx: PvCallContext, key: string, text: string): void {
  if (ctx.vcpu.logged.has(key)) return;
  ctx.vcpu.logged.add(key);
  ctx.kernel.notice(`partition ${ctx.vcpu.partition.name}: ${text}`);
}

/** Tags a u32 register value as a guest-virtual address. */
export function virt(v: number): GuestVirtAddr {
  return guestVirt(v >>> 0);
}
