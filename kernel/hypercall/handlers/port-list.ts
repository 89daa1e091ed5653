// Handler of queuing_port_list_scan (service 50): one trap that finds, among a list of the caller's
// destination queuing ports, the first whose queue holds a message. The lists themselves (names, sizes,
// ACTIVE/INACTIVE, the RESET/CONTINUE cursor) are RTOS objects; this only saves the RTOS a trap per port.
import type { GuestVirtAddr } from "../../mem/types";
import { PvError } from "../generated/abi-generated";
import type { PvHandlers } from "../dispatcher";
import { readIn, ret, type PvCallContext, type PvCallResult } from "../pv-call";

/** Most ports one scan takes (the RTOS's MAX_QPORTS: a list holds each of its ports once). */
export const PORT_LIST_MAX = 16;

/** Every queuing port list service the kernel serves. */
export const portListHandlers = {
  queuingPortListScan: (ctx: PvCallContext, ports: GuestVirtAddr, portsLen: number, start: number): PvCallResult => {
    const count = portsLen / 4;
    if (!Number.isInteger(count) || count < 1 || count > PORT_LIST_MAX || start >= count) return ret(PvError.EINVAL);
    const b = readIn(ctx, ports, portsLen);
    if (typeof b === "number") return ret(b);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const nb: number[] = [];
    // Every id first, so that the answer to a bad list does not depend on where the messages are.
    for (let i = 0; i < count; i++) {
      const s = ctx.kernel.ports.queuingStatus(view.getUint32(i * 4, true)).status;
      if (s === undefined) return ret(PvError.EINVAL);
      if (s.direction !== "DESTINATION") return ret(PvError.EMODE);
      nb.push(s.nbMessage);
    }
    for (let k = 0; k < count; k++) {
      const i = (start + k) % count;
      if ((nb[i] ?? 0) > 0) return ret(i);
    }
    return ret(PvError.EUNAVAIL);
  },
} satisfies Partial<PvHandlers>;
