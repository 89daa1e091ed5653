// Handlers of the services an I/O server uses for the devices it serves: ioreq_irq_set (a client's
// interrupt line) and block_info/read/write/flush (the disk of a served ata). Ownership, ranges and
// lengths are checked in kernel/ioreq (served-disks.ts, ioreq-hub.ts); here only the caller's buffer.
import type { GuestVirtAddr } from "../../mem/types";
import { PvError } from "../generated/abi-generated";
import { PV_CONSTANTS } from "../generated/abi-layout";
import type { PvHandlers } from "../dispatcher";
import { readIn, ret, writeOut, type PvCallContext, type PvCallResult } from "../pv-call";

/** The caller's buffer for a block transfer must be 4-byte aligned (a sector is moved as words). */
const BUF_ALIGN = 4;

/** ioreq_irq_set, block_info, block_read, block_write, block_flush. */
export const blockHandlers = {
  ioreqIrqSet: (ctx: PvCallContext, client: number, line: number, level: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    if (level > 1) return ret(PvError.EINVAL);
    return ret(server.irq(client, line, level === 1) ? PvError.OK : PvError.EINVAL);
  },
  blockInfo: (ctx: PvCallContext, client: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    return ret(server.disks.info(client));
  },
  blockRead: (ctx: PvCallContext, client: number, lba: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    if (buf % BUF_ALIGN !== 0) return ret(PvError.EINVAL);
    const data = server.disks.read(client, lba, len);
    if (typeof data === "number") return ret(data);
    return ret(writeOut(ctx, buf, data) ? PvError.OK : PvError.EFAULT);
  },
  blockWrite: (ctx: PvCallContext, client: number, lba: number, buf: GuestVirtAddr, len: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    if (buf % BUF_ALIGN !== 0 || len > PV_CONSTANTS.BLOCK_MAX_BYTES) return ret(PvError.EINVAL); // before copying anything in
    const data = readIn(ctx, buf, len);
    if (typeof data === "number") return ret(data);
    return ret(server.disks.write(client, lba, data));
  },
  blockFlush: (ctx: PvCallContext, client: number): PvCallResult => {
    const server = ctx.vcpu.ioreq;
    if (server === undefined) return ret(PvError.EMODE);
    return ret(server.disks.flush(client));
  },
} satisfies Partial<PvHandlers>;
