// Handlers of the sampling and queuing port services over kernel/ports (through KernelApi.ports):
// decode the config structs, copy messages in and out, translate outcomes to PV_E* codes.
import type { PortDirection, QueuingDiscipline } from "../../config/model";
import { nanos, type GuestVirtAddr } from "../../mem/types";
import { PvError, SamplingUpdated, Validity } from "../generated/abi-generated";
import { QUEUING_PORT_CONFIG_LAYOUT, QUEUING_PORT_STATUS_LAYOUT, SAMPLING_PORT_CONFIG_LAYOUT, SAMPLING_PORT_CURRENT_STATUS_LAYOUT, SAMPLING_PORT_STATUS_LAYOUT } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { pvErrorOf } from "../error-map";
import { fixedString, OutStruct, readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";
import type { PortIdResult } from "../../ports/port-table";
import { readName, storeU32 } from "./partition";

const DIRECTIONS: readonly PortDirection[] = ["SOURCE", "DESTINATION"];
const DISCIPLINES: readonly QueuingDiscipline[] = ["FIFO", "PRIORITY"];
const DIRECTION_VALUE: Readonly<Record<PortDirection, number>> = { SOURCE: 0, DESTINATION: 1 };

function u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
}

/** Stores a created port's id; ENOACTION ("already created") still stores it. */
function storeId(ctx: PvCallContext, r: PortIdResult, out: GuestVirtAddr): PvCallResult {
  if (r.outcome !== "ok" && r.outcome !== "noChange") return ret(pvErrorOf(r.outcome));
  const stored = storeU32(ctx, out, r.id);
  return ret(stored !== PvError.OK ? stored : pvErrorOf(r.outcome));
}

/** The port's max message size, or EINVAL for an id that is not the caller's created port. */
function maxSizeOf(ctx: PvCallContext, kind: "sampling" | "queuing", id: number): number | undefined {
  const s = kind === "sampling" ? ctx.kernel.ports.samplingStatus(id) : ctx.kernel.ports.queuingStatus(id);
  return s.status?.maxMessageSize;
}

/** Every port service. */
export const portHandlers = {
  samplingPortCreate: (ctx: PvCallContext, config: GuestVirtAddr, portId: GuestVirtAddr): PvCallResult => {
    const b = readIn(ctx, config, SAMPLING_PORT_CONFIG_LAYOUT.size);
    if (typeof b === "number") return ret(b);
    const f = SAMPLING_PORT_CONFIG_LAYOUT.fields;
    const direction = DIRECTIONS[u32(b, f.direction.offset)];
    if (direction === undefined) return ret(PvError.ECONFIG);
    const refresh = new DataView(b.buffer, b.byteOffset).getBigUint64(f.refresh_period_ns.offset, true);
    const r = ctx.kernel.ports.createSampling({ name: fixedString(b, f.name.offset, f.name.size), maxMessageSize: u32(b, f.max_message_size.offset), direction, refreshPeriod: nanos(refresh) });
    return storeId(ctx, r, portId);
  },
  samplingPortGetId: (ctx: PvCallContext, name: GuestVirtAddr, nameLen: number, portId: GuestVirtAddr): PvCallResult => {
    const text = readName(ctx, name, nameLen);
    return typeof text === "number" ? ret(text) : storeId(ctx, ctx.kernel.ports.idOf("sampling", text), portId);
  },
  samplingPortWrite: (ctx: PvCallContext, portId: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const max = maxSizeOf(ctx, "sampling", portId);
    if (max === undefined || len === 0) return ret(PvError.EINVAL);
    if (len > max) return ret(PvError.ECONFIG);
    const data = readIn(ctx, buf, len);
    return ret(typeof data === "number" ? data : pvErrorOf(ctx.kernel.ports.writeSampling(portId, data)));
  },
  samplingPortRead: (ctx: PvCallContext, portId: number, buf: GuestVirtAddr, cap: number, validity: GuestVirtAddr): PvCallResult => {
    const max = maxSizeOf(ctx, "sampling", portId);
    if (max === undefined || cap < max) return ret(PvError.EINVAL);
    const r = ctx.kernel.ports.readSampling(portId);
    if (r.outcome !== "ok") return ret(pvErrorOf(r.outcome));
    const v = storeU32(ctx, validity, r.validity === "VALID" ? Validity.VALID : Validity.INVALID);
    if (v !== PvError.OK || !writeOut(ctx, buf, r.message)) return ret(PvError.EFAULT);
    return ret(r.message.length);
  },
  samplingPortReadUpdated: (ctx: PvCallContext, portId: number, buf: GuestVirtAddr, cap: number, validity: GuestVirtAddr): PvCallResult => {
    const max = maxSizeOf(ctx, "sampling", portId);
    if (max === undefined || cap < max) return ret(PvError.EINVAL);
    const r = ctx.kernel.ports.readUpdatedSampling(portId);
    if (r.outcome !== "ok") return ret(pvErrorOf(r.outcome));
    const v = storeU32(ctx, validity, r.validity === "VALID" ? Validity.VALID : Validity.INVALID);
    if (v !== PvError.OK || !writeOut(ctx, buf, r.message)) return ret(PvError.EFAULT);
    return ret(r.message.length);
  },
  samplingPortCurrentStatus: (ctx: PvCallContext, portId: number, status: GuestVirtAddr): PvCallResult => {
    const s = ctx.kernel.ports.samplingCurrentStatus(portId).status;
    if (s === undefined) return ret(PvError.EINVAL);
    const f = SAMPLING_PORT_CURRENT_STATUS_LAYOUT.fields;
    const out = new OutStruct(SAMPLING_PORT_CURRENT_STATUS_LAYOUT.size)
      .u64(f.refresh_period_ns.offset, s.refreshPeriod)
      .u64(f.time_stamp_ns.offset, s.timeStamp ?? 0n)
      .u32(f.max_message_size.offset, s.maxMessageSize)
      .u32(f.direction.offset, DIRECTION_VALUE[s.direction])
      .u32(f.message_validity.offset, s.messageValidity === "VALID" ? Validity.VALID : Validity.INVALID)
      .u32(f.updated.offset, SamplingUpdated[s.updated]);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  samplingPortStatus: (ctx: PvCallContext, portId: number, status: GuestVirtAddr): PvCallResult => {
    const s = ctx.kernel.ports.samplingStatus(portId).status;
    if (s === undefined) return ret(PvError.EINVAL);
    const f = SAMPLING_PORT_STATUS_LAYOUT.fields;
    const out = new OutStruct(SAMPLING_PORT_STATUS_LAYOUT.size)
      .u64(f.refresh_period_ns.offset, s.refreshPeriod)
      .u32(f.max_message_size.offset, s.maxMessageSize)
      .u32(f.direction.offset, DIRECTION_VALUE[s.direction])
      .u32(f.last_msg_validity.offset, s.lastMsgValidity === "VALID" ? Validity.VALID : Validity.INVALID);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  queuingPortCreate: (ctx: PvCallContext, config: GuestVirtAddr, portId: GuestVirtAddr): PvCallResult => {
    const b = readIn(ctx, config, QUEUING_PORT_CONFIG_LAYOUT.size);
    if (typeof b === "number") return ret(b);
    const f = QUEUING_PORT_CONFIG_LAYOUT.fields;
    const direction = DIRECTIONS[u32(b, f.direction.offset)];
    const discipline = DISCIPLINES[u32(b, f.queuing_discipline.offset)];
    if (direction === undefined || discipline === undefined) return ret(PvError.EINVAL);
    const r = ctx.kernel.ports.createQueuing({
      name: fixedString(b, f.name.offset, f.name.size),
      maxMessageSize: u32(b, f.max_message_size.offset),
      maxNbMessages: u32(b, f.max_nb_message.offset),
      direction,
      discipline,
    });
    return storeId(ctx, r, portId);
  },
  queuingPortGetId: (ctx: PvCallContext, name: GuestVirtAddr, nameLen: number, portId: GuestVirtAddr): PvCallResult => {
    const text = readName(ctx, name, nameLen);
    return typeof text === "number" ? ret(text) : storeId(ctx, ctx.kernel.ports.idOf("queuing", text), portId);
  },
  queuingPortSend: (ctx: PvCallContext, portId: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const max = maxSizeOf(ctx, "queuing", portId);
    if (max === undefined || len === 0) return ret(PvError.EINVAL);
    if (len > max) return ret(PvError.ECONFIG);
    const data = readIn(ctx, buf, len);
    return ret(typeof data === "number" ? data : pvErrorOf(ctx.kernel.ports.sendQueuing(portId, data)));
  },
  queuingPortReceive: (ctx: PvCallContext, portId: number, buf: GuestVirtAddr, cap: number): PvCallResult => {
    const max = maxSizeOf(ctx, "queuing", portId);
    if (max === undefined || cap < max) return ret(PvError.EINVAL);
    const r = ctx.kernel.ports.receiveQueuing(portId);
    // An overflow since the last receive still delivers the oldest message (the RTOS sees its length).
    if (r.outcome !== "ok" && r.outcome !== "overflowed") return ret(pvErrorOf(r.outcome));
    return ret(writeOut(ctx, buf, r.message) ? r.message.length : PvError.EFAULT);
  },
  queuingPortStatus: (ctx: PvCallContext, portId: number, status: GuestVirtAddr): PvCallResult => {
    const s = ctx.kernel.ports.queuingStatus(portId).status;
    if (s === undefined) return ret(PvError.EINVAL);
    const f = QUEUING_PORT_STATUS_LAYOUT.fields;
    const out = new OutStruct(QUEUING_PORT_STATUS_LAYOUT.size)
      .u32(f.nb_message.offset, s.nbMessage)
      .u32(f.max_nb_message.offset, s.maxNbMessage)
      .u32(f.max_message_size.offset, s.maxMessageSize)
      .u32(f.direction.offset, DIRECTION_VALUE[s.direction]);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  queuingPortClear: (ctx: PvCallContext, portId: number): PvCallResult => ret(pvErrorOf(ctx.kernel.ports.clearQueuing(portId))),
} satisfies Partial<PvHandlers>;
