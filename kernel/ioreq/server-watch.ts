// Hung-server detection for I/O server partitions. A server "misses" one of its own windows when it
// held requests at the window's start (posted in its ring or queued for it) and completed none of
// them during the window. After `deadline` misses in a row (apx:Guest ServerDeadlineWindows, default
// DEFAULT_SERVER_DEADLINE_WINDOWS) it is hung: the runner completes what it held as a floating bus and
// reports DEADLINE_MISSED to the HM for the server. Counting the server's own windows (not time) keeps
// the deadline independent of where the schedule puts them. Pure state; the module runner calls it.
import type { PartitionConfig } from "../config/model";
import type { PartitionId } from "../mem/types";
import { readFields } from "../snapshot/json-fields";
import type { Json } from "../snapshot/snapshot-file";

/** Server windows in a row without a completion, with work waiting, before a server counts as hung. */
export const DEFAULT_SERVER_DEADLINE_WINDOWS = 3;

interface Watched {
  readonly deadline: number;
  /** Windows missed in a row so far. */
  missed: number;
  /** The server held requests when its current window began. */
  busyAtStart: boolean;
  /** It completed at least one request in its current window. */
  progressed: boolean;
}

/** The watch over every server of the module. */
export class ServerWatch {
  private readonly servers = new Map<PartitionId, Watched>();

  /** `servers`: the ids of the partitions that serve devices. */
  constructor(partitions: readonly PartitionConfig[], servers: (id: PartitionId) => boolean) {
    for (const p of partitions) {
      if (servers(p.id)) this.servers.set(p.id, { deadline: p.guest.serverDeadlineWindows ?? DEFAULT_SERVER_DEADLINE_WINDOWS, missed: 0, busyAtStart: false, progressed: false });
    }
  }

  /** A window of `server` begins; `busy`: it holds requests now. */
  windowStart(server: PartitionId, busy: boolean): void {
    const w = this.servers.get(server);
    if (w === undefined) return;
    w.busyAtStart = busy;
    w.progressed = false;
  }

  /** `server` completed a request (ioreq_notify took back a DONE slot). */
  progress(server: PartitionId): void {
    const w = this.servers.get(server);
    if (w !== undefined) w.progressed = true;
  }

  /** A window of `server` ended: true when this was its deadline-th missed window in a row (it is hung). */
  windowEnd(server: PartitionId): boolean {
    const w = this.servers.get(server);
    if (w === undefined) return false;
    w.missed = w.busyAtStart && !w.progressed ? w.missed + 1 : 0;
    if (w.missed < w.deadline) return false;
    w.missed = 0;
    return true;
  }

  /** The server restarted or stopped: it starts with a clean record. */
  reset(server: PartitionId): void {
    const w = this.servers.get(server);
    if (w === undefined) return;
    w.missed = 0;
    w.busyAtStart = false;
    w.progressed = false;
  }

  /** The watch state for a module snapshot (kernel note key `ioreqWatch`). */
  saveState(): Json {
    return [...this.servers.entries()].map(([id, w]) => ({ id, missed: w.missed, busyAtStart: w.busyAtStart, progressed: w.progressed }));
  }

  /** Checks a saved watch state; the returned step applies it. An absent note (an older snapshot) restores a clean record. */
  prepareRestore(raw: unknown): { ok: true; apply: () => void } | { ok: false; error: string } {
    if (raw === undefined) return { ok: true, apply: () => this.servers.forEach((_, id) => this.reset(id)) };
    const parsed = readFields({ servers: raw }, "kernel note ioreqWatch", (f) =>
      f.objects("servers", this.servers.size).map((g) => {
        const id = g.int("id", 0, 0xffff);
        if (!this.servers.has(id as PartitionId)) g.oneOf("id", []);
        return { id: id as PartitionId, missed: g.int("missed", 0, 0xffff), busyAtStart: g.bool("busyAtStart"), progressed: g.bool("progressed") };
      }),
    );
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      apply: () => {
        for (const v of parsed.value) Object.assign(this.servers.get(v.id)!, { missed: v.missed, busyAtStart: v.busyAtStart, progressed: v.progressed });
      },
    };
  }
}
