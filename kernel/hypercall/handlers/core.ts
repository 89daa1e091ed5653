// Handlers of the basic services: version and features, null, console output, time, window yield.
import type { GuestVirtAddr } from "../../mem/types";
import { KERNEL_FEATURES } from "../../pv/pv-image";
import { PV_ABI_MAJOR, PV_ABI_MINOR, PvError } from "../generated/abi-generated";
import { PV_CONSTANTS } from "../generated/abi-layout";
import { OutStruct, readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";
import type { PvHandlers } from "../dispatcher";

/** abi_version, abi_features, null, console_write, time_get, window_yield. */
export const coreHandlers = {
  abiVersion: (): PvCallResult => ret(((PV_ABI_MAJOR << 16) | PV_ABI_MINOR) >>> 0),
  abiFeatures: (): PvCallResult => ret(KERNEL_FEATURES),
  null: (): PvCallResult => ret(PvError.OK),
  consoleWrite: (ctx: PvCallContext, buf: GuestVirtAddr, len: number): PvCallResult => {
    const n = Math.min(len, PV_CONSTANTS.CONSOLE_MAX_WRITE);
    const bytes = readIn(ctx, buf, n);
    if (typeof bytes === "number") return ret(bytes);
    if (n > 0) ctx.vcpu.console(bytes);
    return ret(n);
  },
  timeGet: (ctx: PvCallContext, nowNs: GuestVirtAddr): PvCallResult =>
    ret(writeOut(ctx, nowNs, new OutStruct(8).u64(0, ctx.kernel.now).bytes) ? PvError.OK : PvError.EFAULT),
  windowYield: (): PvCallResult => ({ kind: "yield", value: PvError.OK }),
} satisfies Partial<PvHandlers>;
