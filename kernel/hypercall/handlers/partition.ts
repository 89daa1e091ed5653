// Handlers of the partition and module-schedule services: GET_PARTITION_STATUS, SET_PARTITION_MODE,
// SET_MODULE_SCHEDULE, GET_MODULE_SCHEDULE_STATUS, GET_MODULE_SCHEDULE_ID, and a system partition's
// SET_PARTITION_MODE of another partition, and GET_MEMORY_BLOCK_STATUS of its shared regions. The decisions are the
// kernel cores' (reached through KernelApi); this file only moves bytes and translates codes.
import type { GuestVirtAddr } from "../../mem/types";
import { OPERATING_MODE_VALUES, START_CONDITION_VALUES } from "../../partition/partition-mode";
import { MemoryBlockMode, PvError } from "../generated/abi-generated";
import { MEMORY_BLOCK_STATUS_LAYOUT, PARTITION_STATUS_LAYOUT, PV_CONSTANTS, SCHEDULE_STATUS_LAYOUT } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { pvErrorOf, pvErrorOfReturnCode } from "../error-map";
import { OutStruct, readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";

/** Reads a name argument of 1..NAME_MAX-1 characters: the text, or the PV error to return. */
export function readName(ctx: PvCallContext, name: GuestVirtAddr, len: number): string | PvError {
  if (len === 0 || len > PV_CONSTANTS.NAME_MAX - 1) return PvError.EINVAL;
  const bytes = readIn(ctx, name, len);
  if (typeof bytes === "number") return bytes;
  return String.fromCharCode(...bytes);
}

/** Stores a u32 out-parameter: OK or EFAULT. */
export function storeU32(ctx: PvCallContext, at: GuestVirtAddr, v: number): PvError {
  return writeOut(ctx, at, new OutStruct(4).u32(0, v).bytes) ? PvError.OK : PvError.EFAULT;
}

/** partition_get_status, partition_set_mode, schedule_set_next, schedule_get_status, schedule_get_id. */
export const partitionHandlers = {
  partitionGetStatus: (ctx: PvCallContext, status: GuestVirtAddr): PvCallResult => {
    const f = PARTITION_STATUS_LAYOUT.fields;
    const { mode, timing } = ctx.kernel;
    const out = new OutStruct(PARTITION_STATUS_LAYOUT.size)
      .u64(f.period_ns.offset, timing.period)
      .u64(f.duration_ns.offset, timing.duration)
      .u32(f.partition_id.offset, ctx.kernel.partition)
      .u32(f.lock_level.offset, 0)
      .u32(f.operating_mode.offset, OPERATING_MODE_VALUES[mode.mode])
      .u32(f.start_condition.offset, START_CONDITION_VALUES[mode.startCondition])
      .u32(f.num_assigned_cores.offset, 1);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  partitionSetMode: (ctx: PvCallContext, mode: number): PvCallResult => ret(pvErrorOfReturnCode(ctx.kernel.setPartitionMode(mode))),
  memoryBlockStatus: (ctx: PvCallContext, name: GuestVirtAddr, nameLen: number, status: GuestVirtAddr): PvCallResult => {
    const text = readName(ctx, name, nameLen);
    if (typeof text === "number") return ret(text);
    const b = ctx.vcpu.memoryBlocks.find((m) => m.name === text);
    if (b === undefined) return ret(PvError.ENOENT);
    const f = MEMORY_BLOCK_STATUS_LAYOUT.fields;
    const out = new OutStruct(MEMORY_BLOCK_STATUS_LAYOUT.size)
      .u32(f.address.offset, b.address)
      .u32(f.size.offset, b.size)
      .u32(f.mode.offset, b.writable ? MemoryBlockMode.READ_WRITE : MemoryBlockMode.READ);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  partitionSetModeOf: (ctx: PvCallContext, partitionId: number, mode: number): PvCallResult => {
    const r = ctx.kernel.setPartitionModeOf(partitionId, mode);
    return ret(r === "unknownPartition" ? PvError.EINVAL : pvErrorOfReturnCode(r));
  },
  scheduleSetNext: (ctx: PvCallContext, scheduleId: number): PvCallResult => ret(pvErrorOf(ctx.kernel.setModuleSchedule(scheduleId))),
  scheduleGetStatus: (ctx: PvCallContext, status: GuestVirtAddr): PvCallResult => {
    const f = SCHEDULE_STATUS_LAYOUT.fields;
    const s = ctx.kernel.scheduleStatus();
    const out = new OutStruct(SCHEDULE_STATUS_LAYOUT.size)
      .u64(f.time_of_last_schedule_switch_ns.offset, s.lastSwitch)
      .u32(f.current_schedule.offset, s.current)
      .u32(f.next_schedule.offset, s.next);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
  scheduleGetId: (ctx: PvCallContext, name: GuestVirtAddr, nameLen: number, scheduleId: GuestVirtAddr): PvCallResult => {
    const text = readName(ctx, name, nameLen);
    if (typeof text === "number") return ret(text);
    const r = ctx.kernel.scheduleIdByName(text);
    if (r.outcome !== "ok") return ret(pvErrorOf(r.outcome));
    return ret(storeU32(ctx, scheduleId, r.id));
  },
} satisfies Partial<PvHandlers>;
