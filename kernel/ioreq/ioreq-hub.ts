// Routes forwarded device accesses between FV clients and their PV I/O servers: one request at a time
// per client vCPU (the client waits until it completes, as an HVM vCPU waits on its ioreq), a queue per
// server for requests that find its ring full or not attached yet, and the documented outcome when a
// server fails (a floating bus: all ones). Owned by the module runner; it traces every step. Not
// responsible for the ring's layout (ioreq-ring.ts) or for the client's CPU (kernel/machine/fv-vm.ts).
import type { PartitionConfig } from "../config/model";
import { IoreqDir } from "../hypercall/generated/abi-generated";
import type { Nanos, PartitionId } from "../mem/types";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import type { Json } from "../snapshot/snapshot-file";
import type { TraceEvent } from "../trace/trace-event";
import { encodeIoreqState, parseIoreqState } from "./ioreq-state";
import { floatingResult, IoreqRing, MMIO_SPACE, PORT_SPACE, type IoRequest, type IoResult, type RingMemory } from "./ioreq-ring";
import { ServedDisks } from "./served-disks";
import { portOffset, servedDevice, type ServedDeviceSpec } from "./served-devices";

/** Where the hub reads the time and window, and sends trace events (the module runner); a client's own steps carry their exact time. */
export interface IoreqHost {
  now(): Nanos;
  /** Window id of the window running now. */
  windowId(): number;
  emit(e: TraceEvent): void;
  /** Writes bytes to a partition's console (a served UART's output appears under its client's name). */
  console(partition: PartitionId, bytes: Uint8Array): void;
  /** `server` completed at least one request (hung-server watch, server-watch.ts). */
  progress?(server: PartitionId): void;
}

/** A served device of one client, with the id of its server. */
export interface ClientDevice {
  readonly spec: ServedDeviceSpec;
  readonly server: PartitionId;
}

interface ServerState {
  ring: IoreqRing | undefined;
  /** Guest-physical address of the ring page (kept for a snapshot). */
  ringPhys: number | undefined;
  /** The ring page at a guest-physical address of the server's RAM (set by its VM). */
  memoryAt: ((phys: number) => RingMemory) | undefined;
  /** Raises the server's IOREQ virq (set by its VM; undefined before it is built). */
  wake: (() => void) | undefined;
  /** Requests not in the ring yet (ring full or not attached), oldest first. */
  readonly queue: IoRequest[];
}

interface ClientState {
  /** The request the client's vCPU waits on. */
  waiting: IoRequest | undefined;
  /** Its result, once served (the client applies it when it runs next). */
  result: IoResult | undefined;
}

/** What ioreq_notify found. */
export interface NotifyOutcome {
  readonly completed: number;
  /** Bogus slots (an ILLEGAL_REQUEST of the server), one line each. */
  readonly problems: readonly string[];
}

/** The module's forwarded-device routing. */
export class IoreqHub {
  private readonly servers = new Map<PartitionId, ServerState>();
  private readonly clients = new Map<PartitionId, ClientState>();
  private readonly devices = new Map<PartitionId, ClientDevice[]>();
  private nextId = 1;
  /** The disks of served ata devices (block services). */
  readonly disks = new ServedDisks();
  /** Each client's ISA IRQ lines as its current machine wires them (set by its VM). */
  private readonly irqSinks = new Map<PartitionId, (line: number, level: boolean) => void>();

  constructor(partitions: readonly PartitionConfig[], private readonly host: IoreqHost) {
    const byName = new Map(partitions.map((p) => [p.name, p.id]));
    for (const p of partitions) {
      for (const d of p.guest.served ?? []) {
        const spec = servedDevice(d.name, d);
        const server = byName.get(d.server);
        // The validator has checked both; a config that skipped it is a host bug.
        if (typeof spec === "string" || server === undefined) throw new Error(`unchecked served device ${d.name} of ${p.name}`);
        const list = this.devices.get(p.id) ?? [];
        list.push({ spec, server });
        this.devices.set(p.id, list);
        this.clients.set(p.id, { waiting: undefined, result: undefined });
        if (!this.servers.has(server)) this.servers.set(server, { ring: undefined, ringPhys: undefined, memoryAt: undefined, wake: undefined, queue: [] });
      }
    }
  }

  /** The served devices of `client` (empty when it has none). */
  devicesOf(client: PartitionId): readonly ClientDevice[] {
    return this.devices.get(client) ?? [];
  }

  /** Whether `p` serves devices for some client. */
  isServer(p: PartitionId): boolean {
    return this.servers.has(p);
  }

  /** The server VM's way to raise its IOREQ virq, and to reach a page of its RAM (for a restored ring). */
  setWake(server: PartitionId, wake: () => void, memoryAt?: (phys: number) => RingMemory): void {
    const s = this.servers.get(server);
    if (s === undefined) return;
    s.wake = wake;
    s.memoryAt = memoryAt;
  }

  /** The client VM's way to drive an ISA IRQ line of its current machine (ioreq_irq_set). */
  setIrqSink(client: PartitionId, sink: (line: number, level: boolean) => void): void {
    this.irqSinks.set(client, sink);
  }

  /**
   * ioreq_irq_set: `server` drives line `line` of `client`; false when the client has no device served by
   * `server` on that line (the caller answers EINVAL).
   */
  setIrq(server: PartitionId, client: number, line: number, level: boolean): boolean {
    const devices = this.devices.get(client as PartitionId);
    if (devices === undefined || !devices.some((d) => d.server === server && d.spec.irq === line)) return false;
    this.irqSinks.get(client as PartitionId)?.(line, level);
    return true;
  }

  /**
   * A client access (a port, or with `mmio` a guest-physical address in the device's MMIO window): posts
   * it to the device's server; the client waits until result() has a value.
   */
  issue(client: PartitionId, device: ClientDevice, port: number, size: 1 | 2 | 4, dir: IoreqDir, data: number, at: Nanos, count = 1, bytes?: Uint8Array, mmio = false): void {
    const c = this.clients.get(client);
    const s = this.servers.get(device.server);
    if (c === undefined || s === undefined) throw new Error(`partition ${client} has no served device`);
    if (c.waiting !== undefined) throw new Error(`partition ${client} issued an ioreq while waiting on one`);
    const window = device.spec.mmio;
    if (mmio && (window === undefined || port < window.base || port + size > window.base + window.count)) throw new Error(`MMIO access 0x${port.toString(16)} outside ${device.spec.instance}`);
    const offset = mmio ? port - window!.base : portOffset(device.spec, port);
    const space = mmio ? MMIO_SPACE : PORT_SPACE;
    const req: IoRequest = { id: this.nextId, client, space, addr: port >>> 0, device: device.spec.device, offset, irq: device.spec.irq, size, dir, count, data: dir === IoreqDir.OUT && count === 1 ? data >>> 0 : 0, ...(bytes !== undefined && count > 1 ? { bytes } : {}) };
    this.nextId = this.nextId === 0x7fff_ffff ? 1 : this.nextId + 1;
    c.waiting = req;
    c.result = undefined;
    this.trace("issued", client, req, req.data, "ok", at);
    if (s.ring === undefined || !s.ring.post(req)) s.queue.push(req);
    s.wake?.();
  }

  /** Whether `client` waits on a request that has no result yet. */
  blocked(client: PartitionId): boolean {
    const c = this.clients.get(client);
    return c !== undefined && c.waiting !== undefined && c.result === undefined;
  }

  /** Takes the result of the client's served request: the request and the data, or undefined. */
  takeResult(client: PartitionId, at: Nanos): { readonly req: IoRequest; readonly data: IoResult } | undefined {
    const c = this.clients.get(client);
    if (c === undefined || c.waiting === undefined || c.result === undefined) return undefined;
    const out = { req: c.waiting, data: c.result };
    c.waiting = undefined;
    c.result = undefined;
    this.trace("completed", client, out.req, out.data, "ok", at);
    return out;
  }

  /** ioreq_attach: the server's ring is now `mem` (requests in the old ring are posted again). */
  attach(server: PartitionId, mem: RingMemory, phys?: number): boolean {
    const s = this.servers.get(server);
    if (s === undefined) return false;
    const old = s.ring?.drop() ?? [];
    s.ring = new IoreqRing(mem, server);
    s.ringPhys = phys;
    s.queue.unshift(...old);
    this.flush(s);
    return true;
  }

  /** ioreq_console_write: false when `client` is not a client of `server`. */
  clientConsole(server: PartitionId, client: number, bytes: Uint8Array): boolean {
    const devices = this.devices.get(client as PartitionId);
    if (devices === undefined || !devices.some((d) => d.server === server)) return false;
    this.host.console(client as PartitionId, bytes);
    return true;
  }

  /** Whether `server` holds requests it has not completed (posted in its ring or queued for it). */
  holds(server: PartitionId): boolean {
    const s = this.servers.get(server);
    return s !== undefined && (s.queue.length > 0 || (s.ring?.slots().some((r) => r !== undefined) ?? false));
  }

  /** Whether the server has attached a ring. */
  attached(server: PartitionId): boolean {
    return this.servers.get(server)?.ring !== undefined;
  }

  /** ioreq_notify: takes back the server's DONE slots; undefined when it has no ring. */
  notify(server: PartitionId): NotifyOutcome | undefined {
    const s = this.servers.get(server);
    if (s?.ring === undefined) return undefined;
    const h = s.ring.harvest();
    for (const d of h.done) this.serve(server, d.req, d.data, "ok");
    if (h.done.length > 0) this.host.progress?.(server);
    for (const r of h.failed) this.serve(server, r, floatingResult(r), "floating");
    this.flush(s);
    return { completed: h.done.length, problems: h.problems };
  }

  /**
   * The server restarted (or stopped): its ring is forgotten and every request in it or queued for it
   * completes as a floating bus, so no client waits on a server that lost its state, and the interrupt
   * lines of its devices are lowered. Later requests queue until the restarted server attaches a ring again.
   */
  serverReset(server: PartitionId): void {
    const s = this.servers.get(server);
    if (s === undefined) return;
    const lost = [...(s.ring?.drop() ?? []), ...s.queue.splice(0)];
    s.ring = undefined;
    s.ringPhys = undefined;
    for (const r of lost) this.serve(server, r, floatingResult(r), "floating");
    // The device state that drove the clients' lines is gone with the server's memory: release them.
    for (const [client, devices] of this.devices) for (const d of devices) if (d.server === server) this.irqSinks.get(client)?.(d.spec.irq, false);
  }

  /** The client restarted: it no longer waits (a late result for it is dropped). */
  clientReset(client: PartitionId): void {
    const c = this.clients.get(client);
    if (c === undefined) return;
    for (const s of this.servers.values()) {
      const i = s.queue.findIndex((r) => r.client === client);
      if (i >= 0) s.queue.splice(i, 1);
    }
    c.waiting = undefined;
    c.result = undefined;
  }

  /** The routing state for a module snapshot. */
  saveState(): Json {
    return encodeIoreqState({
      nextId: this.nextId,
      servers: [...this.servers.entries()].map(([id, s]) => ({ id, ringPhys: s.ring === undefined ? undefined : s.ringPhys, slots: s.ring?.slots() ?? new Array<undefined>(PV_CONSTANTS.IOREQ_SLOTS).fill(undefined), queue: [...s.queue] })),
      clients: [...this.clients.entries()].map(([id, c]) => ({ id, waiting: c.waiting, result: c.result })),
      disks: this.disks.save(),
    });
  }

  /** Checks a saved routing state against this module; the returned step applies it and cannot fail. */
  prepareRestore(raw: unknown): { ok: true; apply: () => void } | { ok: false; error: string } {
    const parsed = parseIoreqState(raw, new Set(this.servers.keys()), new Set(this.clients.keys()));
    if (!parsed.ok) return parsed;
    const st = parsed.value;
    const badDisk = this.disks.checkSaved(st.disks);
    if (badDisk !== null) return { ok: false, error: badDisk };
    for (const v of st.servers) {
      const s = this.servers.get(v.id);
      if (v.ringPhys !== undefined && s?.memoryAt === undefined) return { ok: false, error: `kernel note ioreq: server ${v.id} has a ring but no machine to hold it` };
    }
    return {
      ok: true,
      apply: () => {
        this.nextId = st.nextId;
        this.disks.restore(st.disks);
        for (const v of st.servers) {
          const s = this.servers.get(v.id)!;
          s.ringPhys = v.ringPhys;
          s.ring = v.ringPhys === undefined || s.memoryAt === undefined ? undefined : new IoreqRing(s.memoryAt(v.ringPhys), v.id, v.slots);
          s.queue.splice(0, s.queue.length, ...v.queue);
        }
        for (const v of st.clients) {
          const c = this.clients.get(v.id)!;
          c.waiting = v.waiting;
          c.result = v.result;
        }
      },
    };
  }

  private serve(server: PartitionId, req: IoRequest, data: IoResult, outcome: "ok" | "floating"): void {
    const c = this.clients.get(req.client);
    this.trace("served", server, req, data, outcome);
    // A result for a request the client no longer waits on (it restarted) is dropped.
    if (c !== undefined && c.waiting?.id === req.id) c.result = typeof data === "number" ? data >>> 0 : data;
  }

  private flush(s: ServerState): void {
    let posted = false;
    while (s.ring !== undefined && s.queue.length > 0 && s.ring.post(s.queue[0]!)) {
      s.queue.shift();
      posted = true;
    }
    if (posted) s.wake?.();
  }

  private trace(phase: "issued" | "served" | "completed", partition: PartitionId, req: IoRequest, result: IoResult, outcome: "ok" | "floating", at: Nanos = this.host.now()): void {
    this.host.emit({
      kind: "ioreq",
      time: at,
      phase,
      partition,
      window: this.host.windowId(),
      id: req.id,
      client: req.client,
      addr: req.addr,
      dir: req.dir === IoreqDir.IN ? "in" : "out",
      // A string's first element stands for it (count says how many moved).
      data: typeof result === "number" ? result >>> 0 : (req.bytes !== undefined ? firstElement(req.bytes, req.size) : firstElement(result, req.size)),
      ...(req.count > 1 ? { count: req.count } : {}),
      ...(req.space === MMIO_SPACE ? { space: "mmio" as const } : {}),
      outcome,
    });
  }
}

/** The first `size`-byte element of a string's bytes (little-endian). */
function firstElement(bytes: Uint8Array, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = (v * 256 + (bytes[i] ?? 0xff)) >>> 0;
  return v;
}
