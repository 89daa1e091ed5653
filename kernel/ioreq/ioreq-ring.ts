// The kernel's side of one I/O server's ioreq ring: a page of the server's RAM (ioreq_attach) with
// IOREQ_SLOTS request slots. The kernel posts requests into FREE slots and takes back DONE ones. The
// page is guest-writable, so nothing read from it is trusted: the kernel keeps its own copy of every
// posted request (the shadow) and checks each completion against it. Not responsible for routing,
// blocking clients or the trace (ioreq-hub.ts).
import { IoreqDevice, IoreqDir, IoreqSpace, IoreqState } from "../hypercall/generated/abi-generated";
import type { PartitionId } from "../mem/types";
import { IOREQ_RING_HEADER_LAYOUT, IOREQ_SLOT_LAYOUT, PV_CONSTANTS } from "../hypercall/generated/abi-layout";

/** Word access to the ring page (offsets within the page; the page's owner checks nothing else can be reached). */
export interface RingMemory {
  read32(offset: number): number;
  write32(offset: number, value: number): void;
}

/** One forwarded access as the kernel posted it. */
export interface IoRequest {
  readonly id: number;
  /** ARINC id of the client partition. */
  readonly client: PartitionId;
  readonly space: IoreqSpace;
  /** Port number or guest-physical MMIO address. */
  readonly addr: number;
  /** The served model the access is for, and the register offset inside its range (what a server dispatches on). */
  readonly device: IoreqDevice;
  readonly offset: number;
  /** The device's ISA line (what the server drives with ioreq_irq_set). */
  readonly irq: number;
  readonly size: 1 | 2 | 4;
  readonly dir: IoreqDir;
  readonly count: number;
  /** OUT: the value written; IN: 0. (With count > 1: 0; the elements are in `bytes`.) */
  readonly data: number;
  /** OUT with count > 1: the size * count bytes written, in string order (the slot's data area). */
  readonly bytes?: Uint8Array;
}

/** What a served request gives its client: the value of an IN, or an IN string's size * count bytes. */
export type IoResult = number | Uint8Array;

/** What one pass over the DONE slots found. */
export interface RingHarvest {
  /** Requests completed correctly, with the data (masked to the access size; OUT: the posted value). */
  readonly done: readonly { readonly req: IoRequest; readonly data: IoResult }[];
  /** Requests whose completion was bogus: they complete as a floating bus. */
  readonly failed: readonly IoRequest[];
  /** What was wrong, one line per bogus slot (empty when the server behaved). */
  readonly problems: readonly string[];
}

const F = IOREQ_SLOT_LAYOUT.fields;
const SLOTS = PV_CONSTANTS.IOREQ_SLOTS;

/** All ones of an access size: what a floating ISA bus reads. */
export function floatingBus(size: 1 | 2 | 4): number {
  return size === 4 ? 0xffff_ffff : (1 << (size * 8)) - 1;
}

/** What a failed request reads: all ones, one value or a whole IN string (an OUT has nothing to read). */
export function floatingResult(req: IoRequest): IoResult {
  return req.count > 1 && req.dir === IoreqDir.IN ? new Uint8Array(req.size * req.count).fill(0xff) : floatingBus(req.size);
}

/** Most elements of `size` bytes one request carries (a slot's data area). */
export function maxCount(size: 1 | 2 | 4): number {
  return Math.floor(PV_CONSTANTS.IOREQ_DATA_MAX / size);
}

function dataOffset(i: number): number {
  return PV_CONSTANTS.IOREQ_DATA_OFFSET + i * PV_CONSTANTS.IOREQ_DATA_MAX;
}

function slotOffset(i: number): number {
  return PV_CONSTANTS.IOREQ_SLOT_OFFSET + i * IOREQ_SLOT_LAYOUT.size;
}

/** The kernel's view of one attached ring. */
export class IoreqRing {
  private readonly shadow: (IoRequest | undefined)[] = new Array<IoRequest | undefined>(SLOTS).fill(undefined);

  /**
   * Clears the page's header and slots and writes the header (the page was checked by ioreq_attach);
   * with `saved` (a snapshot's copy of the slots), takes the page as it is instead.
   */
  constructor(private readonly mem: RingMemory, server: number, saved?: readonly (IoRequest | undefined)[]) {
    if (saved !== undefined) {
      saved.forEach((r, i) => (this.shadow[i] = r));
      return;
    }
    for (let off = 0; off < slotOffset(SLOTS); off += 4) mem.write32(off, 0);
    const h = IOREQ_RING_HEADER_LAYOUT.fields;
    mem.write32(h.size.offset, IOREQ_RING_HEADER_LAYOUT.size);
    mem.write32(h.slots.offset, SLOTS);
    mem.write32(h.server.offset, server);
  }

  /** The kernel's copy of every slot (undefined: free), for a snapshot. */
  slots(): readonly (IoRequest | undefined)[] {
    return [...this.shadow];
  }

  /** Requests posted and not yet taken back, in slot order. */
  inFlight(): IoRequest[] {
    return this.shadow.filter((r): r is IoRequest => r !== undefined);
  }

  /** Posts `req` into a free slot (READY); false when every slot is taken (the caller keeps it queued). */
  post(req: IoRequest): boolean {
    const i = this.shadow.indexOf(undefined);
    if (i < 0) return false;
    this.shadow[i] = req;
    const o = slotOffset(i);
    const m = this.mem;
    m.write32(o + F.id.offset, req.id);
    m.write32(o + F.client.offset, req.client);
    m.write32(o + F.addr.offset, req.addr);
    m.write32(o + F.size.offset, req.size);
    m.write32(o + F.dir.offset, req.dir);
    m.write32(o + F.count.offset, req.count);
    m.write32(o + F.data.offset, req.data);
    m.write32(o + F.space.offset, req.space);
    m.write32(o + F.device.offset, req.device);
    m.write32(o + F.offset.offset, req.offset);
    m.write32(o + F.irq.offset, req.irq);
    if (req.bytes !== undefined) {
      // The elements of an OUT string, little-endian words over the data area (the last one zero-padded).
      const b = req.bytes;
      for (let k = 0; k < b.length; k += 4) m.write32(dataOffset(i) + k, (b[k]! | ((b[k + 1] ?? 0) << 8) | ((b[k + 2] ?? 0) << 16) | ((b[k + 3] ?? 0) << 24)) >>> 0);
    }
    m.write32(o + F.state.offset, IoreqState.READY);
    return true;
  }

  /** Takes back every DONE slot, checking each against the request posted there. */
  harvest(): RingHarvest {
    const done: { req: IoRequest; data: IoResult }[] = [];
    const failed: IoRequest[] = [];
    const problems: string[] = [];
    for (let i = 0; i < SLOTS; i++) {
      const o = slotOffset(i);
      const state = this.mem.read32(o + F.state.offset);
      const req = this.shadow[i];
      if (state === IoreqState.READY || state === IoreqState.FREE) {
        if (req === undefined && state === IoreqState.READY) {
          problems.push(`slot ${i} is READY but the kernel posted nothing there`);
          this.mem.write32(o + F.state.offset, IoreqState.FREE);
        }
        continue;
      }
      this.mem.write32(o + F.state.offset, IoreqState.FREE);
      if (state !== IoreqState.DONE) {
        problems.push(`slot ${i} has state ${state >>> 0}, not one of FREE, READY, DONE`);
        if (req !== undefined) failed.push(req);
        this.shadow[i] = undefined;
        continue;
      }
      if (req === undefined) {
        problems.push(`slot ${i} is DONE but the kernel posted nothing there`);
        continue;
      }
      this.shadow[i] = undefined;
      const bad = this.mismatch(o, req);
      if (bad !== undefined) {
        problems.push(`slot ${i} (request ${req.id} of partition ${req.client}): ${bad}`);
        failed.push(req);
        continue;
      }
      if (req.dir === IoreqDir.IN && req.count > 1) {
        done.push({ req, data: this.readData(i, req.size * req.count) });
        continue;
      }
      const data = req.dir === IoreqDir.IN ? this.mem.read32(o + F.data.offset) & floatingBus(req.size) : req.data;
      done.push({ req, data: data >>> 0 });
    }
    return { done, failed, problems };
  }

  /** `n` bytes of slot `i`'s data area (an IN string's elements). */
  private readData(i: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k += 4) {
      const w = this.mem.read32(dataOffset(i) + k);
      for (let b = 0; b < 4 && k + b < n; b++) out[k + b] = (w >>> (8 * b)) & 0xff;
    }
    return out;
  }

  /** The first field of slot `o` that differs from what the kernel posted. */
  private mismatch(o: number, req: IoRequest): string | undefined {
    const m = this.mem;
    const want: [string, number, number][] = [
      ["id", F.id.offset, req.id],
      ["client", F.client.offset, req.client],
      ["addr", F.addr.offset, req.addr],
      ["size", F.size.offset, req.size],
      ["dir", F.dir.offset, req.dir],
      ["count", F.count.offset, req.count],
      ["space", F.space.offset, req.space],
      ["device", F.device.offset, req.device],
      ["offset", F.offset.offset, req.offset],
      ["irq", F.irq.offset, req.irq],
    ];
    for (const [name, off, v] of want) {
      const got = m.read32(o + off) >>> 0;
      if (got !== v >>> 0) return `${name} is ${got}, the kernel posted ${v >>> 0}`;
    }
    return undefined;
  }

  /** Forgets every posted request (the server restarted or moved its ring); returns them. */
  drop(): IoRequest[] {
    const all = this.inFlight();
    this.shadow.fill(undefined);
    return all;
  }
}

/** The ring page's space value for an I/O port access. */
export const PORT_SPACE = IoreqSpace.PORT;
/** The ring page's space value for an access to a served device's MMIO window. */
export const MMIO_SPACE = IoreqSpace.MMIO;
