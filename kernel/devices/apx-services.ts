// apexvisor's paravirtual service device for FV partitions (register map: apx-services.md): a guest that
// owns ring 0 of its PC reaches the kernel's APEX services through a doorbell port instead of a trap. The
// chip only latches the call (the guest-physical address of an argument block) and asks its owner to stop
// the vCPU after the OUT; the call itself is served by apx-services-call.ts through the paravirt dispatcher.
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** First port of the device (8 ports: 0x660-0x667), just above the sampling-port device. */
export const APX_SERVICES_BASE = 0x660;
export const APX_SERVICES_COUNT = 8;
/** Register offsets. */
export const APX_REG = {
  /** R8: APX_ID, so a guest can tell the device from a floating bus (0xFF). */
  id: 0x0,
  /** R8: APX_VERSION of this register map and argument block layout. */
  version: 0x1,
  /** W8: selects a byte of the partition's identity record (APX_IDENT); R8: the selected index. */
  identIndex: 0x2,
  /** R8: the selected identity byte, then the index advances (0 past the record's end). */
  identData: 0x3,
  /** W32: guest-physical address of an argument block: serves the call before the next instruction. R32: the last result. */
  call: 0x4,
} as const;
/** Value of the ID register ("A"). */
export const APX_ID = 0x41;
/** Version of the register map and block layout (2: the identity registers). */
export const APX_VERSION = 2;
/**
 * The partition's identity record the guest reads through identIndex/identData, so an FV guest learns from the
 * kernel who it is, as a PV guest does from its start-info page: the XML PartitionName (bytes 0-31, UTF-8,
 * NUL-padded, at most 31 bytes as in start-info) and a flags word (bytes 32-35, little-endian).
 */
export const APX_IDENT = {
  name: 0,
  nameMax: 31,
  flags: 32,
  size: 36,
  /** flags bit 0: the partition is a SystemPartition. */
  flagSystemPartition: 1,
} as const;

/** Who the device's partition is (from the module's configuration). */
export interface ApxIdentity {
  readonly name: string;
  readonly systemPartition: boolean;
}

/** The identity record's bytes (APX_IDENT layout); a name longer than nameMax bytes is cut at a character boundary. */
export function identityRecord(id: ApxIdentity): Uint8Array {
  const out = new Uint8Array(APX_IDENT.size);
  let name = new TextEncoder().encode(id.name);
  if (name.length > APX_IDENT.nameMax) {
    let n = APX_IDENT.nameMax;
    while (n > 0 && (name[n]! & 0xc0) === 0x80) n--; // never split a UTF-8 sequence
    name = name.subarray(0, n);
  }
  out.set(name, APX_IDENT.name);
  out[APX_IDENT.flags] = id.systemPartition ? APX_IDENT.flagSystemPartition : 0;
  return out;
}
/** Argument block layout (little-endian 32-bit words, guest-physical, 4-byte aligned). */
export const APX_BLOCK = {
  /** Service id (paravirt-abi/abi.json). */
  service: 0,
  /** Argument words 0..4, in the ABI's register order (EBX, ECX, EDX, ESI, EDI). */
  args: 4,
  /** The result the trap binding returns in EAX, written back by the kernel. */
  result: 24,
  /** Bytes in a block. */
  size: 28,
} as const;
/** Number of argument words in a block. */
export const APX_ARG_WORDS = 5;

/** What the device asks of its owner: stop the vCPU after the current instruction so the call is served; and who the partition is. */
export interface ApxServicesLink {
  requestCall(): void;
  readonly identity: ApxIdentity;
}

/** Saved state: a call latched and not yet served (null: none), the last result and the identity index. */
export interface ApxServicesState {
  readonly pending: number | null;
  readonly result: number;
  readonly identIndex: number;
}

/** The device; CALL is a 32-bit register, ID and VERSION bytes (other accesses are counted and float). */
export class ApxServices implements Device<ApxServicesState> {
  readonly name = "apx-services";
  private pendingBlock: number | null = null;
  private lastResult = 0;
  private identIndex = 0;
  private readonly ident: Uint8Array;
  /** Accesses the device does not decode (bad width or offset), counted. */
  ignoredAccesses = 0;

  constructor(private readonly link: ApxServicesLink) {
    this.ident = identityRecord(link.identity);
  }

  reset(): void {
    this.pendingBlock = null;
    this.lastResult = 0;
    this.identIndex = 0;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset === APX_REG.call && size === 4) return this.lastResult;
    if (size === 1 && offset === APX_REG.id) return APX_ID;
    if (size === 1 && offset === APX_REG.version) return APX_VERSION;
    if (size === 1 && offset === APX_REG.identIndex) return this.identIndex;
    if (size === 1 && offset === APX_REG.identData) {
      const byte = this.ident[this.identIndex] ?? 0;
      if (this.identIndex < APX_IDENT.size) this.identIndex++;
      return byte;
    }
    this.ignoredAccesses++;
    return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset === APX_REG.identIndex && size === 1) {
      this.identIndex = Math.min(value & 0xff, APX_IDENT.size);
      return;
    }
    // A second doorbell before the first was served cannot happen (the vCPU stops after the OUT); a
    // malformed access is counted, never served.
    if (offset !== APX_REG.call || size !== 4 || this.pendingBlock !== null) {
      this.ignoredAccesses++;
      return;
    }
    this.pendingBlock = value >>> 0;
    this.link.requestCall();
  }

  /** The latched block address, if a call waits. */
  get pending(): number | null {
    return this.pendingBlock;
  }

  /** Takes the waiting call (the owner serves it now). */
  takeCall(): number | null {
    const block = this.pendingBlock;
    this.pendingBlock = null;
    return block;
  }

  /** Records what the served call returned (readable from CALL). */
  complete(result: number): void {
    this.lastResult = result >>> 0;
  }

  saveState(): ApxServicesState {
    return { pending: this.pendingBlock, result: this.lastResult, identIndex: this.identIndex };
  }

  parseState(raw: unknown): ParseResult<ApxServicesState> {
    // identIndex is absent from snapshots taken before the identity registers: 0, as after a reset.
    return parseStateWith(raw, this.name, (r) => ({
      pending: r.uintOrNull("pending", 0xffffffff),
      result: r.uint("result", 0xffffffff),
      identIndex: r.raw("identIndex") === undefined ? 0 : r.uint("identIndex", APX_IDENT.size),
    }));
  }

  restoreState(s: ApxServicesState): void {
    this.pendingBlock = s.pending;
    this.lastResult = s.result;
    this.identIndex = s.identIndex;
  }
}
