// Handlers of the Part 2 logbook services over kernel/logbook (through KernelApi.logbooks): decode
// the config struct, copy messages in and out, translate outcomes to PV_E* codes. The rules
// themselves are in kernel/logbook/logbook-store.ts.
import type { GuestVirtAddr } from "../../mem/types";
import { PvError } from "../generated/abi-generated";
import { LOGBOOK_CONFIG_LAYOUT, LOGBOOK_STATUS_LAYOUT } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { pvErrorOf } from "../error-map";
import { fixedString, OutStruct, readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";
import type { LogbookIdResult } from "../../logbook/logbook-store";
import { readName, storeU32 } from "./partition";

function u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
}

/** Stores a logbook id; ENOACTION ("already created") still stores it. */
function storeId(ctx: PvCallContext, r: LogbookIdResult, out: GuestVirtAddr): PvCallResult {
  if (!("id" in r)) return ret(pvErrorOf(r.outcome));
  const stored = storeU32(ctx, out, r.id);
  return ret(stored !== PvError.OK ? stored : pvErrorOf(r.outcome));
}

/** Every logbook service. */
export const logbookHandlers = {
  logbookCreate: (ctx: PvCallContext, config: GuestVirtAddr, logbookId: GuestVirtAddr): PvCallResult => {
    const b = readIn(ctx, config, LOGBOOK_CONFIG_LAYOUT.size);
    if (typeof b === "number") return ret(b);
    const f = LOGBOOK_CONFIG_LAYOUT.fields;
    const r = ctx.kernel.logbooks.create({
      name: fixedString(b, f.name.offset, f.name.size),
      maxMessageSize: u32(b, f.max_message_size.offset),
      maxNbLogged: u32(b, f.max_nb_logged_messages.offset),
      maxNbInProgress: u32(b, f.max_nb_in_progress_messages.offset),
    });
    return storeId(ctx, r, logbookId);
  },
  logbookWrite: (ctx: PvCallContext, logbookId: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const max = ctx.kernel.logbooks.maxMessageSize(logbookId);
    if (max === undefined || len === 0) return ret(PvError.EINVAL);
    if (len > max) return ret(PvError.ECONFIG);
    const data = readIn(ctx, buf, len);
    return ret(typeof data === "number" ? data : pvErrorOf(ctx.kernel.logbooks.write(logbookId, data)));
  },
  logbookRead: (ctx: PvCallContext, logbookId: number, index: number, buf: GuestVirtAddr, cap: number): PvCallResult => {
    const max = ctx.kernel.logbooks.maxMessageSize(logbookId);
    if (max === undefined || cap < max) return ret(PvError.EINVAL);
    const r = ctx.kernel.logbooks.read(logbookId, index);
    if (r.outcome !== "ok" || r.message === undefined) return ret(pvErrorOf(r.outcome));
    return ret(writeOut(ctx, buf, r.message) ? r.message.length : PvError.EFAULT);
  },
  logbookClear: (ctx: PvCallContext, logbookId: number): PvCallResult => ret(pvErrorOf(ctx.kernel.logbooks.clear(logbookId))),
  logbookGetId: (ctx: PvCallContext, name: GuestVirtAddr, nameLen: number, logbookId: GuestVirtAddr): PvCallResult => {
    const text = readName(ctx, name, nameLen);
    return typeof text === "number" ? ret(text) : storeId(ctx, ctx.kernel.logbooks.idOf(text), logbookId);
  },
  logbookStatus: (ctx: PvCallContext, logbookId: number, status: GuestVirtAddr): PvCallResult => {
    const s = ctx.kernel.logbooks.status(logbookId);
    if (s === undefined) return ret(PvError.EINVAL);
    const f = LOGBOOK_STATUS_LAYOUT.fields;
    const out = new OutStruct(LOGBOOK_STATUS_LAYOUT.size)
      .u32(f.max_message_size.offset, s.maxMessageSize)
      .u32(f.max_nb_logged_messages.offset, s.maxNbLogged)
      .u32(f.max_nb_in_progress_messages.offset, s.maxNbInProgress)
      .u32(f.nb_logged_messages.offset, s.nbLogged)
      .u32(f.nb_in_progress_messages.offset, s.nbInProgress)
      .u32(f.nb_overwritten_messages.offset, s.nbOverwritten);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
} satisfies Partial<PvHandlers>;
