// Inter-partition communication services over the configured channels: sampling write/read,
// queuing send/receive/clear, status, and traffic to and from pseudo partitions. No blocking here:
// a call that cannot complete returns "full"/"empty" (NOT_AVAILABLE); waiting with a timeout is the
// guest's business (waiter-queue.ts), which retries and reports TIMED_OUT itself.
//
// Queuing model: a source port has its own FIFO (its MaxNbMessages) in front of the destination's
// FIFO. A send goes straight to the destination while nothing waits in the source FIFO and the
// destination has room; otherwise it waits in the source FIFO; when both are full the send fails
// with NOT_AVAILABLE, so a partition sender never loses messages. Each receive or clear moves waiting
// messages on. Only a pseudo-partition sender (the outside world, which cannot be refused) can
// overflow a destination: the new message is lost, and the next receive returns the oldest message
// with INVALID_CONFIG ("overflowed", P1-5 3.6.2.2.3).
// Destination buffers exist from module start, so messages arrive before the port is created; a
// partition restart (resetPartition) empties only that partition's own port storage.
import type { PortDirection, SystemConfig } from "../config/model";
import type { Nanos, PartitionId } from "../mem/types";
import { channelProblems } from "./channel-check";
import { checkLength, copyMessage } from "./message";
import { MessageQueue } from "./message-queue";
import { PortTable, type PortEntry, type PortId } from "./port-table";
import type { ServiceOutcome } from "./return-codes";
import { SamplingBuffer, type Updated, type Validity } from "./sampling-buffer";

/** A message that left the module through a pseudo-partition destination. */
export interface ExternalMessage {
  readonly channel: number;
  readonly endpoint: string | undefined;
  readonly kind: "sampling" | "queuing";
  readonly time: Nanos;
  readonly data: Uint8Array;
}

/** READ_SAMPLING_MESSAGE result. `message` is empty when no message was ever written. */
export interface SamplingRead {
  readonly outcome: ServiceOutcome;
  readonly message: Uint8Array;
  readonly validity: Validity;
}

/** GET_SAMPLING_PORT_STATUS data. */
export interface SamplingPortStatus {
  readonly refreshPeriod: Nanos;
  readonly maxMessageSize: number;
  readonly direction: PortDirection;
  readonly lastMsgValidity: Validity;
}

/** GET_SAMPLING_PORT_CURRENT_STATUS data (Part 2): the stored message's state at the call. */
export interface SamplingCurrentStatus extends Omit<SamplingPortStatus, "lastMsgValidity"> {
  readonly timeStamp: Nanos | undefined;
  readonly messageValidity: Validity;
  readonly updated: Updated;
}

/** GET_QUEUING_PORT_STATUS data (WAITING_PROCESSES is known to the guest only). */
export interface QueuingPortStatus {
  readonly nbMessage: number;
  readonly maxNbMessage: number;
  readonly maxMessageSize: number;
  readonly direction: PortDirection;
}

interface Route {
  /** Destination partition ports, sorted by id. */
  readonly ports: readonly PortId[];
  readonly pseudo: readonly { readonly channel: number; readonly name: string | undefined }[];
}

const EMPTY = new Uint8Array(0);

/** The router's changing state (see saveState); checked by port-router-state.ts. */
export interface PortRouterState {
  readonly created: readonly PortId[];
  readonly sampling: readonly { readonly port: PortId; readonly message: Uint8Array | undefined; readonly writtenAt: Nanos | undefined; readonly lastReadValidity: Validity }[];
  readonly queues: readonly { readonly port: PortId; readonly messages: readonly Uint8Array[]; readonly overflowed: boolean }[];
  readonly outbox: readonly ExternalMessage[];
}

/** The module's port services, built once from the validated configuration. */
export class PortRouter {
  readonly table: PortTable;
  private readonly samplingBuffers = new Map<PortId, SamplingBuffer>();
  private readonly queues = new Map<PortId, MessageQueue>();
  private readonly routes = new Map<PortId, Route>();
  /** Channels whose source is a pseudo partition: channel id -> destination ports (sorted). */
  private readonly external = new Map<number, readonly PortId[]>();
  /** Queuing destination port -> the source port whose FIFO feeds it. */
  private readonly feeders = new Map<PortId, PortId>();
  private outbox: ExternalMessage[] = [];

  private constructor(config: SystemConfig) {
    this.table = new PortTable(config.partitions);
    for (const e of this.table.all()) {
      if (e.config.kind === "sampling") this.samplingBuffers.set(e.id, new SamplingBuffer());
      else this.queues.set(e.id, new MessageQueue(e.config.maxNbMessages));
    }
    for (const ch of config.channels) {
      const ports: PortId[] = [];
      const pseudo: { channel: number; name: string | undefined }[] = [];
      for (const d of ch.destinations) {
        if (d.kind === "pseudo") pseudo.push({ channel: ch.id, name: d.name });
        else ports.push(this.entryOf(d.partition, d.port).id);
      }
      ports.sort((a, b) => a - b);
      if (ch.source.kind === "pseudo") this.external.set(ch.id, ports);
      else {
        const source = this.entryOf(ch.source.partition, ch.source.port);
        this.routes.set(source.id, { ports, pseudo });
        const dest = ports[0];
        if (source.config.kind === "queuing" && dest !== undefined) this.feeders.set(dest, source.id);
      }
    }
  }

  /** Builds the router; a configuration that breaks the channel rules is a validator bug and throws. */
  static fromConfig(config: SystemConfig): PortRouter {
    const problems = channelProblems(config);
    if (problems.length > 0) throw new Error(`inconsistent channels: ${problems.map((p) => p.message).join("; ")}`);
    return new PortRouter(config);
  }

  private entryOf(partition: PartitionId, name: string): PortEntry {
    const e = this.table.find(partition, name);
    if (e === undefined) throw new Error(`no port ${partition}/${name}`);
    return e;
  }

  private buffer(id: PortId): SamplingBuffer {
    const b = this.samplingBuffers.get(id);
    if (b === undefined) throw new Error(`no sampling buffer for port ${id}`);
    return b;
  }

  private queue(id: PortId): MessageQueue {
    const q = this.queues.get(id);
    if (q === undefined) throw new Error(`no queue for port ${id}`);
    return q;
  }

  /** WRITE_SAMPLING_MESSAGE: copies the message to every destination of the port's channel. */
  writeSampling(caller: PartitionId, id: number, data: Uint8Array, now: Nanos): ServiceOutcome {
    const e = this.table.owned(caller, id, "sampling");
    if (e === "unknownId") return e;
    const bad = checkLength(data.length, e.config.maxMessageSize);
    if (bad !== undefined) return bad;
    if (e.config.direction !== "SOURCE") return "wrongDirection";
    const route = this.routes.get(e.id);
    for (const dest of route?.ports ?? []) this.buffer(dest).store(data, now);
    for (const p of route?.pseudo ?? []) this.emit(p.channel, p.name, "sampling", data, now);
    return "ok";
  }

  /** READ_SAMPLING_MESSAGE: the last message and its validity; NO_ACTION and length 0 when none. */
  readSampling(caller: PartitionId, id: number, now: Nanos): SamplingRead {
    const e = this.table.owned(caller, id, "sampling");
    if (e === "unknownId") return { outcome: e, message: EMPTY, validity: "INVALID" };
    if (e.config.kind !== "sampling" || e.config.direction !== "DESTINATION") {
      return { outcome: "wrongDirection", message: EMPTY, validity: "INVALID" };
    }
    const buffer = this.buffer(e.id);
    const got = buffer.read(e.config.refreshPeriod, now);
    buffer.lastReadValidity = got?.validity ?? "INVALID";
    if (got === undefined) return { outcome: "noMessage", message: EMPTY, validity: "INVALID" };
    return { outcome: "ok", message: got.message, validity: got.validity };
  }

  /** READ_UPDATED_SAMPLING_MESSAGE: as readSampling, but a message already read is "noMessage" (NO_ACTION). */
  readUpdatedSampling(caller: PartitionId, id: number, now: Nanos): SamplingRead {
    const e = this.table.owned(caller, id, "sampling");
    if (e !== "unknownId" && e.config.direction === "DESTINATION" && this.buffer(e.id).updated !== "NEW_MESSAGE") {
      return { outcome: "noMessage", message: EMPTY, validity: "INVALID" };
    }
    return this.readSampling(caller, id, now);
  }

  /** GET_SAMPLING_PORT_CURRENT_STATUS (Part 2). */
  samplingCurrentStatus(caller: PartitionId, id: number, now: Nanos): { readonly outcome: ServiceOutcome; readonly status?: SamplingCurrentStatus } {
    const e = this.table.owned(caller, id, "sampling");
    if (e === "unknownId" || e.config.kind !== "sampling") return { outcome: "unknownId" };
    const { refreshPeriod, maxMessageSize, direction } = e.config;
    const b = this.buffer(e.id);
    return { outcome: "ok", status: { refreshPeriod, maxMessageSize, direction, timeStamp: b.timeStamp, messageValidity: b.validityAt(refreshPeriod, now), updated: b.updated } };
  }

  /** GET_SAMPLING_PORT_STATUS. */
  samplingStatus(caller: PartitionId, id: number): { readonly outcome: ServiceOutcome; readonly status?: SamplingPortStatus } {
    const e = this.table.owned(caller, id, "sampling");
    if (e === "unknownId" || e.config.kind !== "sampling") return { outcome: "unknownId" };
    const { refreshPeriod, maxMessageSize, direction } = e.config;
    return { outcome: "ok", status: { refreshPeriod, maxMessageSize, direction, lastMsgValidity: this.buffer(e.id).lastReadValidity } };
  }

  /** SEND_QUEUING_MESSAGE without waiting: "full" (NOT_AVAILABLE) when there is no room. */
  sendQueuing(caller: PartitionId, id: number, data: Uint8Array, now: Nanos): ServiceOutcome {
    const e = this.table.owned(caller, id, "queuing");
    if (e === "unknownId") return e;
    const bad = checkLength(data.length, e.config.maxMessageSize);
    if (bad !== undefined) return bad;
    if (e.config.direction !== "SOURCE") return "wrongDirection";
    const route = this.routes.get(e.id);
    const pseudo = route?.pseudo[0];
    if (pseudo !== undefined) {
      this.emit(pseudo.channel, pseudo.name, "queuing", data, now);
      return "ok";
    }
    const dest = route?.ports[0];
    const own = this.queue(e.id);
    if (dest !== undefined && own.length === 0 && this.queue(dest).push(data)) return "ok";
    // Unconnected source ports keep their messages, as if the destination never drained.
    return own.push(data) ? "ok" : "full";
  }

  /** RECEIVE_QUEUING_MESSAGE without waiting: "empty" (NOT_AVAILABLE) when nothing is queued. */
  receiveQueuing(caller: PartitionId, id: number): { readonly outcome: ServiceOutcome; readonly message: Uint8Array } {
    const e = this.table.owned(caller, id, "queuing");
    if (e === "unknownId") return { outcome: e, message: EMPTY };
    if (e.config.direction !== "DESTINATION") return { outcome: "wrongDirection", message: EMPTY };
    const got = this.queue(e.id).take();
    if (got === undefined) return { outcome: "empty", message: EMPTY };
    this.refill(e.id);
    return { outcome: got.overflowed ? "overflowed" : "ok", message: got.message };
  }

  /** GET_QUEUING_PORT_STATUS: NB_MESSAGE counts the port's own FIFO. */
  queuingStatus(caller: PartitionId, id: number): { readonly outcome: ServiceOutcome; readonly status?: QueuingPortStatus } {
    const e = this.table.owned(caller, id, "queuing");
    if (e === "unknownId" || e.config.kind !== "queuing") return { outcome: "unknownId" };
    const { maxNbMessages, maxMessageSize, direction } = e.config;
    return { outcome: "ok", status: { nbMessage: this.queue(e.id).length, maxNbMessage: maxNbMessages, maxMessageSize, direction } };
  }

  /** CLEAR_QUEUING_PORT: destination ports only (a SOURCE port -> INVALID_MODE). */
  clearQueuing(caller: PartitionId, id: number): ServiceOutcome {
    const e = this.table.owned(caller, id, "queuing");
    if (e === "unknownId") return e;
    if (e.config.direction !== "DESTINATION") return "wrongDirection";
    this.queue(e.id).clear();
    this.refill(e.id);
    return "ok";
  }

  /**
   * A message from the outside world on a channel whose source is a pseudo partition. Sampling
   * destinations are overwritten; a full queuing destination loses the message and records an
   * overflow ("full" is returned to the shell for its counters). Unknown channel -> "unknownId".
   */
  injectExternal(channel: number, data: Uint8Array, now: Nanos): ServiceOutcome {
    const dests = this.external.get(channel);
    if (dests === undefined) return "unknownId";
    const entries = dests.map((id) => this.table.entry(id));
    // Check every destination before delivering to any: a message is delivered whole or not at all.
    for (const e of entries) {
      const bad = checkLength(data.length, e.config.maxMessageSize);
      if (bad !== undefined) return bad;
    }
    let outcome: ServiceOutcome = "ok";
    for (const e of entries) {
      if (e.config.kind === "sampling") this.buffer(e.id).store(data, now);
      else if (!this.queue(e.id).pushOrOverflow(data)) outcome = "full";
    }
    return outcome;
  }

  /**
   * A partition restarts (COLD_START or WARM_START): its ports must be created again, and the
   * storage of its own ports starts empty. Other partitions' ports keep their messages.
   */
  resetPartition(partition: PartitionId): void {
    this.table.resetPartition(partition);
    for (const e of this.table.all()) {
      if (e.partition !== partition) continue;
      if (e.config.kind === "sampling") this.buffer(e.id).clear();
      else {
        this.queue(e.id).clear();
        if (e.config.direction === "DESTINATION") this.refill(e.id);
      }
    }
  }

  /** Everything that changes while the module runs: created ports, stored and queued messages, the outbox. */
  saveState(): PortRouterState {
    return {
      created: this.table.createdIds(),
      sampling: [...this.samplingBuffers].sort((a, b) => a[0] - b[0]).map(([port, b]) => ({ port, ...b.saveState() })),
      queues: [...this.queues].sort((a, b) => a[0] - b[0]).map(([port, q]) => ({ port, ...q.saveState() })),
      outbox: [...this.outbox],
    };
  }

  /** Applies a state checked by parsePortRouterState against this router's table. */
  restoreState(s: PortRouterState): void {
    this.table.restoreCreated(s.created);
    for (const b of s.sampling) this.buffer(b.port).restoreState(b);
    for (const q of s.queues) this.queue(q.port).restoreState(q);
    this.outbox = [...s.outbox];
  }

  /** Messages sent to pseudo-partition destinations since the last call, in send order. */
  takeExternal(): ExternalMessage[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  private emit(channel: number, endpoint: string | undefined, kind: "sampling" | "queuing", data: Uint8Array, time: Nanos): void {
    this.outbox.push({ channel, endpoint, kind, time, data: copyMessage(data) });
  }

  /** Moves messages waiting in the source FIFO feeding `dest` into it while it has room. */
  private refill(dest: PortId): void {
    const source = this.feeders.get(dest);
    if (source === undefined) return;
    const from = this.queue(source);
    const to = this.queue(dest);
    while (!to.isFull) {
      const next = from.take();
      if (next === undefined) return;
      to.push(next.message);
    }
  }
}
