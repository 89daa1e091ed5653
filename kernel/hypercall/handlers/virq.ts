// Handlers of the virtual-interrupt and timer services: periodic tick, one-shot, upcall entry, kick,
// idle. Timers run on virtual time (pv-timers.ts); delivery happens in pv-vm.ts after the call.
import { nanos, type GuestVirtAddr } from "../../mem/types";
import { PvError } from "../generated/abi-generated";
import type { PvHandlers } from "../dispatcher";
import { ret, type PvCallContext, type PvCallResult } from "../pv-call";
import { MIN_TICK_PERIOD_NS, nextExpiry, setOneshot, setPeriodic } from "../../pv/pv-timers";

/** timer_set_periodic, timer_set_oneshot, virq_register, virq_kick, idle. */
export const virqHandlers = {
  timerSetPeriodic: (ctx: PvCallContext, periodNs: bigint): PvCallResult => {
    if (periodNs !== 0n && periodNs < MIN_TICK_PERIOD_NS) return ret(PvError.EINVAL);
    ctx.vcpu.timers = setPeriodic(ctx.vcpu.timers, nanos(periodNs), ctx.kernel.now);
    return ret(PvError.OK);
  },
  timerSetOneshot: (ctx: PvCallContext, deadlineNs: bigint): PvCallResult => {
    ctx.vcpu.timers = setOneshot(ctx.vcpu.timers, nanos(deadlineNs));
    return ret(PvError.OK);
  },
  virqRegister: (ctx: PvCallContext, handler: GuestVirtAddr): PvCallResult => {
    ctx.vcpu.upcallHandler = handler;
    return ret(PvError.OK);
  },
  virqKick: (): PvCallResult => ret(PvError.OK),
  idle: (ctx: PvCallContext): PvCallResult => {
    if (ctx.vcpu.shared.pendingBits !== 0) return ret(PvError.OK);
    return { kind: "idle", until: nextExpiry(ctx.vcpu.timers) };
  },
} satisfies Partial<PvHandlers>;
