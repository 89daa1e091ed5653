// The module kernel's state in a snapshot's kernel note: virtual time, schedule state with its pending
// switch, partition modes and runner bookkeeping (with HM callback decisions held back), the HM log, ports with their messages, unfinished
// console lines, logbooks, shared memory blocks. Encodes to JSON (times as decimal strings, bytes as hex) and parses it back checked
// against the module's configuration. Pure.
import type { ErrorCode, SystemConfig } from "../config/model";
import { ERROR_CODES } from "../config/read-hm";
import type { HmDecision } from "../health/hm-decision";
import type { HmLogEntry } from "../health/hm-log";
import { LOGBOOK_MAX_MESSAGE, type LogbookSaved } from "../logbook/logbook-store";
import type { SharedBlock } from "../mem/shared-memory";
import { MAX_CONSOLE_LINE } from "../module/console-mux";
import type { PartitionError } from "../module/partition-vm";
import { partitionId, type Nanos, type PartitionId } from "../mem/types";
import type { OperatingMode, PartitionModeState, StartCondition } from "../partition/partition-mode";
import type { PortRouterState } from "../ports/port-router";
import type { PortId, PortTable } from "../ports/port-table";
import type { ScheduleState } from "../sched/module-schedules";
import { encodeHmDecision, encodeHmLogEntry, readHmDecision, readHmLogEntry } from "./hm-codec";
import { Fields, readFields, toHex } from "./json-fields";
import type { Json } from "./snapshot-file";

/** Runner bookkeeping of one partition. */
export interface PartitionRunState {
  readonly id: PartitionId;
  readonly mode: PartitionModeState;
  readonly sleepUntil: Nanos | undefined;
  /** End of the window whose rest the partition gave up (a yield, a halt, its own restart); undefined when none. */
  readonly doneUntil: Nanos | undefined;
  readonly errors: readonly PartitionError[];
  /** The decisions whose actions wait for the HM callback running in this partition (empty: none runs). */
  readonly callback: readonly HmDecision[];
  readonly stats: { readonly windows: number; readonly cyclesOffered: number; readonly cyclesRun: number; readonly hmEvents: number; readonly restarts: number };
}

/** Everything of the module runner that a snapshot keeps. */
export interface RunnerState {
  readonly now: Nanos;
  readonly slotHint: number | undefined;
  readonly shutdown: { readonly time: Nanos; readonly reason: string } | undefined;
  readonly schedule: ScheduleState;
  readonly partitions: readonly PartitionRunState[];
  readonly hmLog: { readonly entries: readonly HmLogEntry[]; readonly dropped: number };
  readonly ports: PortRouterState;
  readonly console: readonly { readonly partition: PartitionId; readonly bytes: readonly number[] }[];
  /** The module's logbooks (they outlive partition restarts), in configuration order. */
  readonly logbooks: readonly LogbookSaved[];
  /** Shared memory blocks (apx:Shared): outside every partition's RAM, so saved here, by name. */
  readonly shared: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** Module decisions waiting for the ModuleCallback to run in its agent's next window. */
  readonly moduleWaiting: readonly HmDecision[];
}

const MODES: readonly OperatingMode[] = ["IDLE", "COLD_START", "WARM_START", "NORMAL"];
const STARTS: readonly StartCondition[] = ["NORMAL_START", "PARTITION_RESTART", "HM_MODULE_RESTART", "HM_PARTITION_RESTART"];
const BIG = Number.MAX_SAFE_INTEGER;
/** Most decisions one HM callback holds back (each comes from one error; a module rarely queues more than a few). */
const MAX_HELD_DECISIONS = 1024;
const ns = (t: Nanos | undefined): Json => (t === undefined ? null : t.toString());

/** RunnerState -> JSON. */
export function encodeRunnerState(s: RunnerState): Json {
  return {
    now: ns(s.now),
    slotHint: s.slotHint ?? null,
    shutdown: s.shutdown === undefined ? null : { time: ns(s.shutdown.time), reason: s.shutdown.reason },
    schedule: { currentId: s.schedule.currentId, epoch: ns(s.schedule.epoch), lastSwitch: ns(s.schedule.lastSwitch), pending: s.schedule.pending === undefined ? null : { id: s.schedule.pending.id, at: ns(s.schedule.pending.at) } },
    partitions: s.partitions.map((p) => ({
      id: p.id,
      mode: p.mode.mode,
      startCondition: p.mode.startCondition,
      sleepUntil: ns(p.sleepUntil),
      doneUntil: ns(p.doneUntil),
      errors: p.errors.map((e) => ({ code: e.code, message: e.message, failedAddress: e.failedAddress })),
      callback: p.callback.map(encodeHmDecision),
      stats: { ...p.stats },
    })),
    hmLog: {
      dropped: s.hmLog.dropped,
      entries: s.hmLog.entries.map(encodeHmLogEntry),
    },
    ports: {
      created: [...s.ports.created],
      sampling: s.ports.sampling.map((b) => ({ port: b.port, message: b.message === undefined ? null : toHex(b.message), writtenAt: ns(b.writtenAt), lastReadValidity: b.lastReadValidity })),
      queues: s.ports.queues.map((q) => ({ port: q.port, messages: q.messages.map(toHex), overflowed: q.overflowed })),
      outbox: s.ports.outbox.map((m) => ({ channel: m.channel, endpoint: m.endpoint ?? null, kind: m.kind, time: ns(m.time), data: toHex(m.data) })),
    },
    console: s.console.map((c) => ({ partition: c.partition, bytes: toHex(Uint8Array.from(c.bytes)) })),
    logbooks: s.logbooks.map((b) => ({ maxMessageSize: b.maxMessageSize ?? null, created: b.created, messages: b.messages.map(toHex), overwritten: b.overwritten })),
    shared: s.shared.map((b) => ({ name: b.name, bytes: toHex(b.bytes.subarray(0, usedBytes(b.bytes))) })),
    moduleWaiting: s.moduleWaiting.map(encodeHmDecision),
  };
}

/** Length up to the last non-zero byte (the rest of a block is zero). */
function usedBytes(b: Uint8Array): number {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return end;
}

/** JSON -> RunnerState, every field checked against `config` (partitions, schedules, ports and their sizes). */
export function parseRunnerState(raw: unknown, config: SystemConfig, ports: PortTable, hmCapacity: number, shared: readonly SharedBlock[]): { ok: true; value: RunnerState } | { ok: false; error: string } {
  const ids = new Set<number>(config.partitions.map((p) => p.id));
  const pid = (f: Fields, name: string): PartitionId => {
    const v = f.int(name, 0, 0xffff);
    if (!ids.has(v)) f.oneOf(name, []); // throws naming the field
    return partitionId(v);
  };
  const maxMsg = Math.max(1, ...ports.all().map((e) => e.config.maxMessageSize));
  const portOf = (f: Fields, name: string, kind: "sampling" | "queuing"): PortId => {
    const v = f.int(name, 1, ports.all().length);
    const e = ports.all()[v - 1];
    if (e === undefined || e.config.kind !== kind) f.oneOf(name, []);
    return v as PortId;
  };
  return readFields(raw, "kernel note", (f): RunnerState => {
    const sch = f.obj("schedule");
    const scheduleIds = config.schedules.map((s) => s.id);
    const schedId = (g: Fields, name: string): number => {
      const v = g.int(name, 0, 0xffffffff);
      if (!scheduleIds.includes(v)) g.oneOf(name, []);
      return v;
    };
    const pending = sch.objOrNull("pending");
    const partitions = f.objects("partitions", ids.size).map((p): PartitionRunState => ({
      id: pid(p, "id"),
      mode: { mode: p.oneOf("mode", MODES), startCondition: p.oneOf("startCondition", STARTS) },
      sleepUntil: p.nanosOrNull("sleepUntil"),
      doneUntil: p.nanosOrNull("doneUntil"),
      errors: p.objects("errors", 16).map((e) => ({ code: e.oneOf("code", ERROR_CODES) as ErrorCode, message: e.str("message", 4096), failedAddress: e.int("failedAddress", 0, 0xffffffff) })),
      callback: p.objects("callback", MAX_HELD_DECISIONS).map((d) => readHmDecision(d, pid)),
      stats: (() => {
        const s = p.obj("stats");
        return { windows: s.int("windows", 0, BIG), cyclesOffered: s.int("cyclesOffered", 0, BIG), cyclesRun: s.int("cyclesRun", 0, BIG), hmEvents: s.int("hmEvents", 0, BIG), restarts: s.int("restarts", 0, BIG) };
      })(),
    }));
    if (partitions.length !== ids.size || new Set(partitions.map((p) => p.id)).size !== ids.size) f.list("partitions", -1);
    const hm = f.obj("hmLog");
    const shutdown = f.objOrNull("shutdown");
    const pf = f.obj("ports");
    const sampling = pf.objects("sampling", ports.all().length).map((b) => ({
      port: portOf(b, "port", "sampling"),
      message: b.hexOrNull("message", maxMsg),
      writtenAt: b.nanosOrNull("writtenAt"),
      lastReadValidity: b.oneOf("lastReadValidity", ["INVALID", "VALID"] as const),
    }));
    const queues = pf.objects("queues", ports.all().length).map((q) => {
      const port = portOf(q, "port", "queuing");
      const cfg = ports.all()[port - 1]?.config;
      const cap = cfg?.kind === "queuing" ? cfg.maxNbMessages : 0;
      return { port, messages: q.list("messages", cap).map((_, i) => hexAt(q, i, cfg?.maxMessageSize ?? 0)), overflowed: q.bool("overflowed") };
    });
    return {
      now: f.nanos("now"),
      slotHint: f.intOrNull("slotHint", 0, BIG),
      shutdown: shutdown === undefined ? undefined : { time: shutdown.nanos("time"), reason: shutdown.str("reason", 4096) },
      schedule: { currentId: schedId(sch, "currentId"), epoch: sch.nanos("epoch"), lastSwitch: sch.nanos("lastSwitch"), pending: pending === undefined ? undefined : { id: schedId(pending, "id"), at: pending.nanos("at") } },
      partitions,
      hmLog: {
        dropped: hm.int("dropped", 0, BIG),
        entries: hm.objects("entries", hmCapacity).map((e) => readHmLogEntry(e, pid)),
      },
      ports: {
        created: pf.list("created", ports.all().length).map((_, i) => new Fields({ v: (pf.list("created", ports.all().length) as unknown[])[i] }, `ports.created[${i}]`).int("v", 1, ports.all().length) as PortId),
        sampling,
        queues,
        outbox: pf.objects("outbox", 1 << 16).map((m) => ({ channel: m.int("channel", 0, 0xffffffff), endpoint: m.strOrNull("endpoint", 256), kind: m.oneOf("kind", ["sampling", "queuing"] as const), time: m.nanos("time"), data: m.hex("data", maxMsg) })),
      },
      console: f.objects("console", ids.size).map((c) => ({ partition: pid(c, "partition"), bytes: [...c.hex("bytes", MAX_CONSOLE_LINE)] })),
      logbooks: readLogbooks(f, config),
      shared: readShared(f, shared),
      moduleWaiting: f.objects("moduleWaiting", MAX_HELD_DECISIONS).map((d) => readHmDecision(d, pid)),
    };
  });
}

/** Message `i` of a queue's messages list, as bytes of at most `max`. */
function hexAt(q: Fields, i: number, max: number): Uint8Array {
  const raw = q.list("messages", 1 << 16)[i];
  return new Fields({ m: raw }, `${q.path}.messages[${i}]`).hex("m", max);
}

/** The logbooks list: one entry per configured logbook, messages within its configured count and the size limit. */
function readLogbooks(f: Fields, config: SystemConfig): LogbookSaved[] {
  const books = f.objects("logbooks", config.logbooks.length);
  if (books.length !== config.logbooks.length) f.list("logbooks", -1); // throws naming the field
  return books.map((b, i) => {
    const cap = config.logbooks[i]?.maxNbLogged ?? 0;
    const size = b.intOrNull("maxMessageSize", 1, LOGBOOK_MAX_MESSAGE);
    const list = b.list("messages", cap);
    return {
      maxMessageSize: size,
      created: b.bool("created"),
      messages: list.map((_, j) => new Fields({ m: list[j] }, `${b.path}.messages[${j}]`).hex("m", size ?? 0)),
      overwritten: b.int("overwritten", 0, BIG),
    };
  });
}

/** The shared blocks, by name and in order, each no longer than the block. */
function readShared(f: Fields, blocks: readonly SharedBlock[]): { name: string; bytes: Uint8Array }[] {
  const saved = f.objects("shared", blocks.length);
  if (saved.length !== blocks.length) f.list("shared", -1);
  return saved.map((s, i) => {
    const block = blocks[i]!;
    s.oneOf("name", [block.name]);
    return { name: block.name, bytes: s.hex("bytes", block.bytes.length) };
  });
}
