// The ioreq routing state in a module snapshot (kernel note, key "ioreq"): each server's ring address
// and the requests it holds (posted or queued), each client's request and result, the next id. The ring
// page itself is server RAM and travels with its machine. Parsing checks every field before anything
// is applied, like the rest of kernel/snapshot.
import { IoreqDevice, IoreqDir, IoreqSpace } from "../hypercall/generated/abi-generated";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { partitionId, type PartitionId } from "../mem/types";
import { Fields, readFields, toHex } from "../snapshot/json-fields";
import type { Json } from "../snapshot/snapshot-file";
import { maxCount, type IoRequest, type IoResult } from "./ioreq-ring";
import type { SavedDisk } from "./served-disks";

/** One server's part. */
export interface SavedServer {
  readonly id: PartitionId;
  /** Guest-physical address of its ring page, or undefined when none is attached. */
  readonly ringPhys: number | undefined;
  /** The kernel's copy of each slot (undefined: free). */
  readonly slots: readonly (IoRequest | undefined)[];
  readonly queue: readonly IoRequest[];
}

/** One client's part. */
export interface SavedClient {
  readonly id: PartitionId;
  readonly waiting: IoRequest | undefined;
  /** A value, or an IN string's bytes. */
  readonly result: IoResult | undefined;
}

/** The whole routing state. */
export interface IoreqState {
  readonly nextId: number;
  readonly servers: readonly SavedServer[];
  readonly clients: readonly SavedClient[];
  /** Unflushed sectors of the served disks (the image file is opened again by the resumed run). */
  readonly disks: readonly SavedDisk[];
}

const reqJson = (r: IoRequest | undefined): Json =>
  r === undefined ? null : { id: r.id, client: r.client, space: r.space, addr: r.addr, device: r.device, offset: r.offset, irq: r.irq, size: r.size, dir: r.dir, count: r.count, data: r.data, bytes: r.bytes === undefined ? null : toHex(r.bytes) };

/** The state as JSON. */
export function encodeIoreqState(s: IoreqState): Json {
  return {
    nextId: s.nextId,
    servers: s.servers.map((v) => ({ id: v.id, ringPhys: v.ringPhys ?? null, slots: v.slots.map(reqJson), queue: v.queue.map(reqJson) })),
    clients: s.clients.map((c) => ({ id: c.id, waiting: reqJson(c.waiting), result: c.result === undefined ? null : typeof c.result === "number" ? c.result : toHex(c.result) })),
    disks: s.disks.map((d) => ({ client: d.client, written: d.written.map((w) => ({ lba: w.lba, data: toHex(w.bytes) })) })),
  };
}

function readReq(f: Fields, clients: ReadonlySet<number>): IoRequest {
  const client = f.int("client", 0, 0xffff);
  if (!clients.has(client)) f.oneOf("client", []);
  const size = f.int("size", 1, 4);
  if (size === 3) f.oneOf("size", []);
  const dir = f.int("dir", IoreqDir.OUT, IoreqDir.IN) as IoreqDir;
  const count = f.int("count", 1, maxCount(size as 1 | 2 | 4));
  const bytes = f.hexOrNull("bytes", size * count);
  // An OUT string carries exactly its elements; nothing else carries bytes.
  if ((bytes !== undefined) !== (dir === IoreqDir.OUT && count > 1) || (bytes !== undefined && bytes.length !== size * count)) f.oneOf("bytes", []);
  const space = f.int("space", IoreqSpace.PORT, IoreqSpace.MMIO) as IoreqSpace;
  // MMIO goes one element per request (kernel/ioreq/ioreq-mmio.ts).
  if (space === IoreqSpace.MMIO && count !== 1) f.oneOf("count", []);
  return {
    id: f.int("id", 1, 0x7fff_ffff),
    client: partitionId(client),
    space,
    // A port is 16 bits; an MMIO address anywhere in the 32-bit space.
    addr: f.int("addr", 0, space === IoreqSpace.PORT ? 0xffff : 0xffff_ffff),
    device: f.int("device", IoreqDevice.UART16550, IoreqDevice.ATA) as IoreqDevice,
    offset: f.int("offset", 0, 0xfff),
    irq: f.int("irq", 0, 15),
    size: size as 1 | 2 | 4,
    dir,
    count,
    data: f.int("data", 0, 0xffff_ffff),
    ...(bytes !== undefined ? { bytes } : {}),
  };
}

/** Parses the saved state against the module's servers and clients (ids as the hub has them). */
export function parseIoreqState(raw: unknown, servers: ReadonlySet<number>, clients: ReadonlySet<number>): { ok: true; value: IoreqState } | { ok: false; error: string } {
  return readFields(raw, "kernel note ioreq", (f): IoreqState => {
    const reqOrNull = (g: Fields, name: string): IoRequest | undefined => {
      const o = g.objOrNull(name);
      return o === undefined ? undefined : readReq(o, clients);
    };
    const sv = f.objects("servers", servers.size).map((g): SavedServer => {
      const id = g.int("id", 0, 0xffff);
      if (!servers.has(id)) g.oneOf("id", []);
      const slots = g.list("slots", PV_CONSTANTS.IOREQ_SLOTS);
      if (slots.length !== PV_CONSTANTS.IOREQ_SLOTS) g.oneOf("slots", []);
      return {
        id: partitionId(id),
        ringPhys: g.intOrNull("ringPhys", 0, 0xffff_f000),
        slots: slots.map((x, i) => (x === null ? undefined : readReq(new Fields(x, `${g.path}.slots[${i}]`), clients))),
        queue: g.objects("queue", clients.size).map((q) => readReq(q, clients)),
      };
    });
    const cl = f.objects("clients", clients.size).map((g): SavedClient => {
      const id = g.int("id", 0, 0xffff);
      if (!clients.has(id)) g.oneOf("id", []);
      const waiting = reqOrNull(g, "waiting");
      const string = waiting !== undefined && waiting.dir === IoreqDir.IN && waiting.count > 1;
      const result = string ? g.hexOrNull("result", PV_CONSTANTS.IOREQ_DATA_MAX) : g.intOrNull("result", 0, 0xffff_ffff);
      if (string && result instanceof Uint8Array && result.length !== waiting.size * waiting.count) g.oneOf("result", []);
      return { id: partitionId(id), waiting, result };
    });
    const disks = f.objects("disks", clients.size).map((g): SavedDisk => {
      const client = g.int("client", 0, 0xffff);
      if (!clients.has(client)) g.oneOf("client", []);
      return { client: partitionId(client), written: g.objects("written", 1 << 20).map((w) => ({ lba: w.int("lba", 0, 0x0fff_ffff), bytes: w.hex("data", 512) })) };
    });
    return { nextId: f.int("nextId", 1, 0x7fff_ffff), servers: sv, clients: cl, disks };
  });
}
