// apexvisor's paravirtual service device for FV partitions (register map: apx-services.md): a guest that
// owns ring 0 of its PC reaches the kernel's APEX services through a doorbell port instead of a trap, reports
// the CPU exceptions its own IDT takes through a second doorbell, and gets HM upcalls (apx-services-upcall.ts)
// on an ISA interrupt line. The chip only latches and shows; calls, fault reports and callback returns are
// served by apx-services-call.ts, the upcalls are posted by the FV machine (kernel/machine/fv-vm.ts).
import type { Device, IrqLine, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";
import type { HmCallbackKind } from "../module/partition-vm";
import { callbackOfUpcall, readUpcall, upcallField, upcallKindOf, type UpcallRecord } from "./apx-services-upcall";

/** First port of the device (18 ports: 0x660-0x671), just above the sampling-port device. */
export const APX_SERVICES_BASE = 0x660;
export const APX_SERVICES_COUNT = 18;
/** Register offsets. */
export const APX_REG = {
  /** R8: APX_ID, so a guest can tell the device from a floating bus (0xFF). */
  id: 0x0,
  /** R8: APX_VERSION of this register map and argument block layout. */
  version: 0x1,
  /** R8: the ISA line of the HM upcall (apx:Device Irq), 0xFF when none is configured. */
  irq: 0x2,
  /** RW8: which upcall record field DATA reads (UPCALL_FIELDS index). */
  select: 0x3,
  /** W32: guest-physical address of an argument block: serves the call before the next instruction. R32: the last result. */
  call: 0x4,
  /** W32: guest-physical address of a fault block: reports a CPU exception, served before the next instruction. R32: its result. */
  fault: 0x8,
  /** R32 DATA: the selected field of the waiting upcall record (0 with none). W32 ACK: the record's KIND value. */
  data: 0xc,
  /** W8: selects a byte of the partition's identity record (APX_IDENT); R8: the selected index. */
  identIndex: 0x10,
  /** R8: the selected identity byte, then the index advances (0 past the record's end). */
  identData: 0x11,
} as const;
/** Value of the ID register ("A"). */
export const APX_ID = 0x41;
/** Version of the register map and block layouts (2: fault doorbell, HM upcall and the identity registers). */
export const APX_VERSION = 2;
/** IRQ register value without a line. */
export const APX_NO_IRQ = 0xff;
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
/** Fault block layout (little-endian 32-bit words, guest-physical, 4-byte aligned). */
export const APX_FAULT_BLOCK = {
  /** CPU exception vector (0-31). */
  vector: 0,
  /** The exception's error code (0 when it pushes none). */
  errorCode: 4,
  /** EIP of the faulting instruction: FAILED_ADDRESS, as for a PV partition's fault. */
  eip: 8,
  /** CR2 for a #PF (the linear address it could not reach), else 0: told in the HM log's message. */
  cr2: 12,
  /** The RTOS's id of the running process (0: none, e.g. the RTOS itself). */
  process: 16,
  /** Written back: 1 = the error handler gets it (upcall posted), 0 = the HM action applies, 2 = it waits for a ModuleCallback elsewhere, negative PV_E*. */
  result: 20,
  /** Bytes in a block. */
  size: 24,
} as const;

/** What the device asks of its owner: stop the vCPU after the current instruction so the kernel serves what was latched; and who the partition is. */
export interface ApxServicesLink {
  requestCall(): void;
  /** The ISA line of the HM upcall (apx:Device Irq); absent: the device has none. */
  readonly irq?: number;
  readonly identity: ApxIdentity;
}

/** Saved state: a call and a fault report latched and not yet served, a callback return not yet told, the waiting upcall. */
export interface ApxServicesState {
  readonly pending: number | null;
  readonly result: number;
  readonly fault: number | null;
  readonly faultResult: number;
  readonly select: number;
  readonly upcall: UpcallRecord | null;
  readonly returned: HmCallbackKind | null;
  readonly identIndex: number;
}

/** The device; CALL, FAULT and DATA are 32-bit registers, ID, VERSION, IRQ and SELECT bytes (other accesses are counted and float). */
export class ApxServices implements Device<ApxServicesState> {
  readonly name = "apx-services";
  private pendingBlock: number | null = null;
  private lastResult = 0;
  private faultBlock: number | null = null;
  private faultResult = 0;
  private selected = 0;
  private record: UpcallRecord | null = null;
  private returnedKind: HmCallbackKind | null = null;
  private identIndex = 0;
  private readonly ident: Uint8Array;
  /** Accesses the device does not decode (bad width or offset, an ACK that matches no record), counted. */
  ignoredAccesses = 0;

  /** `irq`: the upcall's line and its number; absent, no upcall can be posted (IRQ reads 0xFF). */
  constructor(
    private readonly link: ApxServicesLink,
    private readonly irq?: { readonly line: IrqLine; readonly number: number },
  ) {
    this.ident = identityRecord(link.identity);
  }

  reset(): void {
    this.pendingBlock = this.faultBlock = null;
    this.lastResult = this.faultResult = this.selected = this.identIndex = 0;
    this.record = null;
    this.returnedKind = null;
    this.irq?.line.set(false);
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size === 4 && offset === APX_REG.call) return this.lastResult;
    if (size === 4 && offset === APX_REG.fault) return this.faultResult;
    if (size === 4 && offset === APX_REG.data) return upcallField(this.record, this.selected);
    if (size === 1 && offset === APX_REG.id) return APX_ID;
    if (size === 1 && offset === APX_REG.version) return APX_VERSION;
    if (size === 1 && offset === APX_REG.irq) return this.irq?.number ?? APX_NO_IRQ;
    if (size === 1 && offset === APX_REG.select) return this.selected;
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
    // A second doorbell before the first was served cannot happen (the vCPU stops after the OUT); a
    // malformed access is counted, never served.
    if (size === 1 && offset === APX_REG.select) {
      this.selected = value & 0xff;
      return;
    }
    if (size === 1 && offset === APX_REG.identIndex) {
      this.identIndex = Math.min(value & 0xff, APX_IDENT.size);
      return;
    }
    if (size !== 4 || this.busy) {
      this.ignoredAccesses++;
      return;
    }
    switch (offset) {
      case APX_REG.call:
        this.pendingBlock = value >>> 0;
        this.link.requestCall();
        return;
      case APX_REG.fault:
        this.faultBlock = value >>> 0;
        this.link.requestCall();
        return;
      case APX_REG.data:
        this.ack(value >>> 0);
        return;
      default:
        this.ignoredAccesses++;
    }
  }

  /** ACK: the guest took the record of that KIND (anything else is counted); a callback's ACK is its return, told to the kernel. */
  private ack(value: number): void {
    const r = this.record;
    if (r === null || upcallKindOf(value) !== r.kind) {
      this.ignoredAccesses++;
      return;
    }
    this.withdraw();
    const callback = callbackOfUpcall(r.kind);
    if (callback === undefined) return;
    this.returnedKind = callback;
    this.link.requestCall();
  }

  /** True while something latched waits for the kernel (the vCPU must stop). */
  get busy(): boolean {
    return this.pendingBlock !== null || this.faultBlock !== null || this.returnedKind !== null;
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

  /** Takes the waiting fault report's block address (the owner serves it now). */
  takeFault(): number | null {
    const block = this.faultBlock;
    this.faultBlock = null;
    return block;
  }

  /** Records what the served fault report gave (readable from FAULT). */
  completeFault(result: number): void {
    this.faultResult = result >>> 0;
  }

  /** Takes the callback return the guest acknowledged, if one waits. */
  takeReturn(): HmCallbackKind | null {
    const kind = this.returnedKind;
    this.returnedKind = null;
    return kind;
  }

  /** True when the device has an upcall line. */
  get hasLine(): boolean {
    return this.irq !== undefined;
  }

  /** The waiting upcall record (null: none). */
  get upcall(): UpcallRecord | null {
    return this.record;
  }

  /** Shows `r` and raises the line; false (nothing changes) without a line or while another record waits. */
  post(r: UpcallRecord): boolean {
    if (this.irq === undefined || this.record !== null) return false;
    this.record = r;
    this.irq.line.set(true);
    return true;
  }

  /** Drops the waiting record, if any, and lowers the line. */
  withdraw(): void {
    if (this.record === null) return;
    this.record = null;
    this.irq?.line.set(false);
  }

  saveState(): ApxServicesState {
    return { pending: this.pendingBlock, result: this.lastResult, fault: this.faultBlock, faultResult: this.faultResult, select: this.selected, upcall: this.record, returned: this.returnedKind, identIndex: this.identIndex };
  }

  parseState(raw: unknown): ParseResult<ApxServicesState> {
    return parseStateWith(raw, this.name, (r) => {
      const upcall = readUpcall(r, "upcall");
      if (upcall !== null && this.irq === undefined) throw r.fail("upcall: a record waits but this device has no Irq line");
      const returned = r.raw("returned") === null ? null : r.oneOf("returned", ["partition", "module"] as const);
      return {
        pending: r.uintOrNull("pending", 0xffffffff),
        result: r.uint("result", 0xffffffff),
        fault: r.uintOrNull("fault", 0xffffffff),
        faultResult: r.uint("faultResult", 0xffffffff),
        select: r.uint("select", 0xff),
        upcall,
        returned,
        // identIndex is absent from snapshots taken before the identity registers: 0, as after a reset.
        identIndex: r.raw("identIndex") === undefined ? 0 : r.uint("identIndex", APX_IDENT.size),
      };
    });
  }

  /** The line's level is the interrupt controller's own saved state: only the record comes back here. */
  restoreState(s: ApxServicesState): void {
    this.pendingBlock = s.pending;
    this.lastResult = s.result;
    this.faultBlock = s.fault;
    this.faultResult = s.faultResult;
    this.selected = s.select;
    this.record = s.upcall;
    this.returnedKind = s.returned;
    this.identIndex = s.identIndex;
  }
}

