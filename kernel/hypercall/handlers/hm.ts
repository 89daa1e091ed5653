// Handlers of the health-monitor services: RAISE_APPLICATION_ERROR, hm_raise_error (any code, exact),
// the error-handler state, REPORT_APPLICATION_MESSAGE and GET_ERROR_STATUS. Classification and actions
// are the runner's HM (through KernelApi).
import type { ErrorCode } from "../../config/model";
import { utf8Prefix } from "../utf8-cut";
import type { GuestVirtAddr } from "../../mem/types";
import type { ErrorHandlerState } from "../../module/partition-vm";
import { ERROR_CODE_VALUES } from "../../health/system-state";
import { HmErrorCode, HmHandlerState, HmRaiseFlags, PvError } from "../generated/abi-generated";
import { HM_ERROR_STATUS_LAYOUT, PV_CONSTANTS } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { OutStruct, readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";

function message(ctx: PvCallContext, at: GuestVirtAddr, len: number): string | PvError {
  if (len > PV_CONSTANTS.MAX_ERROR_MESSAGE) return PvError.EINVAL;
  const b = readIn(ctx, at, len);
  return typeof b === "number" ? b : String.fromCharCode(...b);
}

/** PV_HM_* value -> ErrorCode; undefined for a value that names none (checked at the boundary). */
function errorCodeOf(value: number): ErrorCode | undefined {
  return (Object.keys(ERROR_CODE_VALUES) as ErrorCode[]).find((c) => ERROR_CODE_VALUES[c] === value);
}

/** PV_HMH_* value -> handler state; undefined for anything else. */
function handlerStateOf(value: number): ErrorHandlerState | undefined {
  switch (value) {
    case HmHandlerState.NONE:
      return "none";
    case HmHandlerState.READY:
      return "ready";
    case HmHandlerState.RUNNING:
      return "running";
    default:
      return undefined;
  }
}

/** hm_raise_application_error, hm_raise_error, hm_set_handler_state, hm_callback_return, hm_report_message, hm_get_error_status. */
export const hmHandlers = {
  hmRaiseApplicationError: (ctx: PvCallContext, errorCode: number, msg: GuestVirtAddr, len: number): PvCallResult => {
    if (errorCode !== HmErrorCode.APPLICATION_ERROR) return ret(PvError.EINVAL);
    const text = message(ctx, msg, len);
    if (typeof text === "number") return ret(text);
    ctx.kernel.raiseError("APPLICATION_ERROR", text);
    return ret(PvError.OK);
  },
  hmRaiseError: (ctx: PvCallContext, errorCode: number, flags: number, failedAddress: number, msg: GuestVirtAddr, len: number): PvCallResult => {
    const code = errorCodeOf(errorCode);
    if (code === undefined || (flags & ~HmRaiseFlags.NO_HANDLER) !== 0) return ret(PvError.EINVAL);
    const text = message(ctx, msg, len);
    if (typeof text === "number") return ret(text);
    const toHandler = ctx.kernel.raiseGuestError({ code, message: text, failedAddress: failedAddress >>> 0, noHandler: (flags & HmRaiseFlags.NO_HANDLER) !== 0 });
    return ret(toHandler ? 1 : 0);
  },
  hmSetHandlerState: (ctx: PvCallContext, state: number): PvCallResult => {
    const s = handlerStateOf(state);
    if (s === undefined) return ret(PvError.EINVAL);
    ctx.vcpu.hmHandler = s;
    return ret(PvError.OK);
  },
  hmCallbackReturn: (ctx: PvCallContext): PvCallResult => (ctx.kernel.hmCallbackReturn() ? { kind: "continue" } : ret(PvError.EMODE)),
  hmReportMessage: (ctx: PvCallContext, msg: GuestVirtAddr, len: number): PvCallResult => {
    const text = message(ctx, msg, len);
    if (typeof text === "number") return ret(text);
    ctx.kernel.reportMessage(text);
    return ret(PvError.OK);
  },
  hmGetErrorStatus: (ctx: PvCallContext, status: GuestVirtAddr): PvCallResult => {
    const e = ctx.kernel.takeError();
    if (e === undefined) return ret(PvError.ENOACTION);
    const f = HM_ERROR_STATUS_LAYOUT.fields;
    const text = utf8Prefix(e.message, f.message.size);
    const out = new OutStruct(HM_ERROR_STATUS_LAYOUT.size)
      .u32(f.error_code.offset, ERROR_CODE_VALUES[e.code])
      .u32(f.failed_address.offset, e.failedAddress)
      .u32(f.message_len.offset, text.length);
    out.bytes.set(text, f.message.offset);
    return ret(writeOut(ctx, status, out.bytes) ? PvError.OK : PvError.EFAULT);
  },
} satisfies Partial<PvHandlers>;
