// Fills the start-info page (struct pv_start_info followed by the command line) that EBX points at
// when a PV partition enters _start. Writes the kernel-owned physical page; the guest maps it read-only.
import { utf8Prefix } from "../hypercall/utf8-cut";
import type { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys, type Nanos } from "../mem/types";
import { PV_ABI_MAJOR, PV_ABI_MINOR } from "../hypercall/generated/abi-generated";
import { PV_CONSTANTS, START_INFO_LAYOUT } from "../hypercall/generated/abi-layout";

/** What the start-info block says (addresses are guest-virtual). */
export interface StartInfoValues {
  readonly partitionId: number;
  readonly flags: number;
  readonly startCondition: number;
  readonly ramSize: number;
  readonly freeBase: number;
  readonly resolver: number;
  readonly libpvSize: number;
  readonly exportTable: number;
  readonly exportCount: number;
  readonly tickPeriod: Nanos;
  readonly startTime: Nanos;
  readonly cpuHz: number;
  readonly partitionName: string;
  readonly commandLine: string;
}

/** Writes the block at physical `base` (a zeroed page); the command line is cut to the page. */
export function writeStartInfo(mem: PhysicalMemory, base: number, v: StartInfoValues): void {
  const f = START_INFO_LAYOUT.fields;
  const w32 = (off: number, x: number): void => mem.write32(guestPhys(base + off), x >>> 0);
  const w64 = (off: number, x: bigint): void => {
    w32(off, Number(x & 0xffff_ffffn));
    w32(off + 4, Number((x >> 32n) & 0xffff_ffffn));
  };
  w32(f.size.offset, START_INFO_LAYOUT.size);
  mem.write16(guestPhys(base + f.abi_major.offset), PV_ABI_MAJOR);
  mem.write16(guestPhys(base + f.abi_minor.offset), PV_ABI_MINOR);
  w32(f.partition_id.offset, v.partitionId);
  w32(f.flags.offset, v.flags);
  w32(f.start_condition.offset, v.startCondition);
  w32(f.vcpu_count.offset, 1);
  w32(f.ram_base.offset, PV_CONSTANTS.IMAGE_BASE);
  w32(f.ram_size.offset, v.ramSize);
  w32(f.free_base.offset, v.freeBase);
  w32(f.free_size.offset, PV_CONSTANTS.IMAGE_BASE + v.ramSize - v.freeBase);
  w32(f.shared_page.offset, PV_CONSTANTS.SHARED_PAGE_VADDR);
  w32(f.resolver.offset, v.resolver);
  w32(f.libpv_base.offset, PV_CONSTANTS.LIBPV_BASE);
  w32(f.libpv_size.offset, v.libpvSize);
  w32(f.export_table.offset, v.exportTable);
  w32(f.export_count.offset, v.exportCount);
  w64(f.tick_period_ns.offset, v.tickPeriod);
  w64(f.start_time_ns.offset, v.startTime);
  const cmd = utf8Prefix(v.commandLine, PV_CONSTANTS.PAGE_SIZE - START_INFO_LAYOUT.size);
  mem.writeBytes(guestPhys(base + START_INFO_LAYOUT.size), cmd);
  w32(f.cmdline.offset, PV_CONSTANTS.START_INFO_VADDR + START_INFO_LAYOUT.size);
  w32(f.cmdline_len.offset, cmd.length);
  w32(f.cpu_hz.offset, v.cpuHz);
  const name = utf8Prefix(v.partitionName, f.partition_name.size - 1);
  mem.writeBytes(guestPhys(base + f.partition_name.offset), name);
}
