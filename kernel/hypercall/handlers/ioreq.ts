// Handlers of the I/O server services: ioreq_attach (a page of the caller's RAM becomes its ring),
// ioreq_notify (DONE slots go back to the kernel) and ioreq_console_write (a served UART's output). The routing is kernel/ioreq; a bogus completion is
// an ILLEGAL_REQUEST of the server, never a host exception.
import type { GuestVirtAddr } from "../../mem/types";
import { PvError } from "../generated/abi-generated";
import { PV_CONSTANTS } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { readIn, ret, type PvCallContext, type PvCallResult } from "../pv-call";

/** ioreq_attach, ioreq_notify, ioreq_console_write. */
export const ioreqHandlers = {
  ioreqAttach: (ctx: PvCallContext, ring: GuestVirtAddr): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    if ((ring & (PV_CONSTANTS.PAGE_SIZE - 1)) !== 0) return ret(PvError.EINVAL);
    // Shared regions, libpv, start-info and the shared page all lie at or above SHARED_BASE: not RAM of the caller's own.
    if (ring >= PV_CONSTANTS.SHARED_BASE) return ret(PvError.EFAULT);
    return ret(server.attach(ring) ? PvError.OK : PvError.EFAULT);
  },
  ioreqNotify: (ctx: PvCallContext): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    const out = server.notify();
    if (out === undefined) return ret(PvError.EMODE);
    if (out.problems.length > 0) return { kind: "fault", fault: "illegalRequest", message: `bogus ioreq completion: ${out.problems.join("; ")}` };
    return ret(out.completed);
  },
  ioreqConsoleWrite: (ctx: PvCallContext, client: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined || len > PV_CONSTANTS.CONSOLE_MAX_WRITE) return ret(PvError.EINVAL);
    const bytes = readIn(ctx, buf, len);
    if (typeof bytes === "number") return ret(bytes);
    return ret(server.console(client, bytes) ? len : PvError.EINVAL);
  },
} satisfies Partial<PvHandlers>;
