// The module's logbooks (ARINC 653 Part 2 logbook services): kernel-side storage that outlives
// partition restarts, and the return-code rules of CREATE/WRITE/READ/CLEAR/GET_LOGBOOK_ID/STATUS as
// typed outcomes. Pure: no I/O, no time. Which partition is calling comes from the kernel, never the guest.
//
// Rules (apexvisor's reading of Part 2, written here once):
// - CREATE_LOGBOOK only in COLD_START/WARM_START ("wrongMode"); a size or count <= 0 is "badParam"; a
//   name the LogbookSystem does not give to the caller is "unknownName"; counts that differ from the
//   configuration, a message size above LOGBOOK_MAX_MESSAGE, or a size other than the one fixed by the
//   first creation since module start, are "configMismatch"; a second creation is "noChange" (same id).
// - A restart of the owner (partition or module restart) forgets that it created the logbook (it
//   creates it again in its init phase) but keeps every logged message: logbooks are the module's
//   non-volatile memory. Only CLEAR_LOGBOOK erases them.
// - WRITE commits at once (nothing is ever "in progress"); a full logbook drops its oldest message.
// - READ takes message `index`, 1 = the oldest kept; an index above the count is "empty".
// Not responsible for copying guest memory or return-code numbers (hypercall/handlers/logbook.ts).
import type { LogbookConfig } from "../config/model";
import type { OperatingMode } from "../partition/partition-mode";
import type { PartitionId } from "../mem/types";
import type { ServiceOutcome } from "../ports/return-codes";
import { copyMessage } from "../ports/message";

/** Largest message a logbook may be created with (PV_LOGBOOK_MAX_MESSAGE in the ABI). */
export const LOGBOOK_MAX_MESSAGE = 1024;

/** What a guest asks CREATE_LOGBOOK for. */
export interface LogbookRequest {
  readonly name: string;
  readonly maxMessageSize: number;
  readonly maxNbLogged: number;
  readonly maxNbInProgress: number;
}

/** LOGBOOK_STATUS_TYPE. */
export interface LogbookStatus {
  readonly maxMessageSize: number;
  readonly maxNbLogged: number;
  readonly maxNbInProgress: number;
  readonly nbLogged: number;
  readonly nbInProgress: number;
  readonly nbOverwritten: number;
}

interface Logbook {
  readonly config: LogbookConfig;
  /** Fixed by the first creation since module start. */
  maxMessageSize: number | undefined;
  /** True while the owner has created it since its last start. */
  created: boolean;
  readonly messages: Uint8Array[];
  overwritten: number;
}

/** A logbook id (1-based index in configuration order) or why there is none. */
export type LogbookIdResult = { readonly outcome: "ok" | "noChange"; readonly id: number } | { readonly outcome: ServiceOutcome };

/** What a snapshot keeps of one logbook (kernel/snapshot/kernel-codec.ts), in configuration order. */
export interface LogbookSaved {
  readonly maxMessageSize: number | undefined;
  readonly created: boolean;
  readonly messages: readonly Uint8Array[];
  readonly overwritten: number;
}

/** Every configured logbook of a module. Invariant: ids are 1-based positions in `configs`. */
export class LogbookStore {
  private readonly books: Logbook[];

  constructor(configs: readonly LogbookConfig[]) {
    this.books = configs.map((config) => ({ config, maxMessageSize: undefined, created: false, messages: [], overwritten: 0 }));
  }

  /** CREATE_LOGBOOK from `caller` in `mode`. */
  create(caller: PartitionId, mode: OperatingMode, req: LogbookRequest): LogbookIdResult {
    if (mode === "NORMAL" || mode === "IDLE") return { outcome: "wrongMode" };
    if (req.maxMessageSize <= 0 || req.maxNbLogged <= 0 || req.maxNbInProgress <= 0) return { outcome: "badParam" };
    const index = this.books.findIndex((b) => b.config.owner === caller && b.config.name === req.name);
    const book = this.books[index];
    if (book === undefined) return { outcome: "unknownName" };
    if (book.config.maxNbLogged !== req.maxNbLogged || book.config.maxNbInProgress !== req.maxNbInProgress) return { outcome: "configMismatch" };
    if (req.maxMessageSize > LOGBOOK_MAX_MESSAGE || (book.maxMessageSize !== undefined && book.maxMessageSize !== req.maxMessageSize)) {
      return { outcome: "configMismatch" };
    }
    if (book.created) return { outcome: "noChange", id: index + 1 };
    book.maxMessageSize = req.maxMessageSize;
    book.created = true;
    return { outcome: "ok", id: index + 1 };
  }

  /** GET_LOGBOOK_ID: only logbooks the caller created since it started. */
  idOf(caller: PartitionId, name: string): LogbookIdResult {
    const index = this.books.findIndex((b) => b.created && b.config.owner === caller && b.config.name === name);
    return index < 0 ? { outcome: "unknownName" } : { outcome: "ok", id: index + 1 };
  }

  /** The caller's created logbook `id`, or undefined. */
  private owned(caller: PartitionId, id: number): Logbook | undefined {
    const book = Number.isInteger(id) && id >= 1 ? this.books[id - 1] : undefined;
    return book !== undefined && book.created && book.config.owner === caller ? book : undefined;
  }

  /** The max message size of the caller's logbook `id` (undefined: not the caller's created logbook). */
  maxMessageSize(caller: PartitionId, id: number): number | undefined {
    return this.owned(caller, id)?.maxMessageSize;
  }

  /** WRITE_LOGBOOK. */
  write(caller: PartitionId, id: number, data: Uint8Array): ServiceOutcome {
    const book = this.owned(caller, id);
    if (book === undefined || book.maxMessageSize === undefined) return "unknownId";
    if (data.length === 0) return "badParam";
    if (data.length > book.maxMessageSize) return "tooLarge";
    if (book.messages.length === book.config.maxNbLogged) {
      book.messages.shift();
      book.overwritten++;
    }
    book.messages.push(copyMessage(data));
    return "ok";
  }

  /** READ_LOGBOOK of message `index` (1 = oldest kept). */
  read(caller: PartitionId, id: number, index: number): { readonly outcome: ServiceOutcome; readonly message?: Uint8Array } {
    const book = this.owned(caller, id);
    if (book === undefined) return { outcome: "unknownId" };
    if (!Number.isInteger(index) || index < 1) return { outcome: "badParam" };
    const m = book.messages[index - 1];
    return m === undefined ? { outcome: "empty" } : { outcome: "ok", message: copyMessage(m) };
  }

  /** CLEAR_LOGBOOK. */
  clear(caller: PartitionId, id: number): ServiceOutcome {
    const book = this.owned(caller, id);
    if (book === undefined) return "unknownId";
    book.messages.length = 0;
    book.overwritten = 0;
    return "ok";
  }

  /** GET_LOGBOOK_STATUS. */
  status(caller: PartitionId, id: number): LogbookStatus | undefined {
    const book = this.owned(caller, id);
    if (book === undefined || book.maxMessageSize === undefined) return undefined;
    const { maxNbLogged, maxNbInProgress } = book.config;
    return { maxMessageSize: book.maxMessageSize, maxNbLogged, maxNbInProgress, nbLogged: book.messages.length, nbInProgress: 0, nbOverwritten: book.overwritten };
  }

  /** Every logbook's state, in configuration order. */
  saveState(): LogbookSaved[] {
    return this.books.map((b) => ({ maxMessageSize: b.maxMessageSize, created: b.created, messages: b.messages.map(copyMessage), overwritten: b.overwritten }));
  }

  /** Puts back what saveState returned (checked by the snapshot reader against the same configuration). */
  restoreState(saved: readonly LogbookSaved[]): void {
    if (saved.length !== this.books.length) throw new Error(`${saved.length} logbooks saved, ${this.books.length} configured`);
    saved.forEach((s, i) => {
      const b = this.books[i]!;
      b.maxMessageSize = s.maxMessageSize;
      b.created = s.created;
      b.messages.length = 0;
      b.messages.push(...s.messages.map(copyMessage));
      b.overwritten = s.overwritten;
    });
  }

  /** The partition restarts: its logbooks must be created again; their messages stay. */
  resetPartition(partition: PartitionId): void {
    for (const b of this.books) if (b.config.owner === partition) b.created = false;
  }
}
