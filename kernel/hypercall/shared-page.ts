// The kernel's side of one vCPU's shared page (struct pv_shared_page): seqlock time updates, pending
// virq bits and missed ticks, the guest's mask. Reads and writes the kernel-owned physical page only;
// the libpv area (LIBPV_AREA_OFFSET..) is never touched.
import type { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys, type Nanos } from "../mem/types";
import type { Virq } from "./abi-generated";
import { SHARED_PAGE_LAYOUT } from "./abi-layout";

const F = SHARED_PAGE_LAYOUT.fields;

/** One shared page at physical offset `base` of a partition's memory. */
export class SharedPage {
  constructor(
    private readonly mem: PhysicalMemory,
    private readonly base: number,
  ) {}

  private r32(off: number): number {
    return this.mem.read32(guestPhys(this.base + off)) >>> 0;
  }

  private w32(off: number, v: number): void {
    this.mem.write32(guestPhys(this.base + off), v >>> 0);
  }

  private w64(off: number, v: bigint): void {
    this.w32(off, Number(v & 0xffff_ffffn));
    this.w32(off + 4, Number((v >> 32n) & 0xffff_ffffn));
  }

  /** The state at partition start: size, vCPU id, time, masked (README "Boot hand-off"). */
  init(vcpu: number, now: Nanos, windowEnd: Nanos): void {
    this.w32(F.size.offset, SHARED_PAGE_LAYOUT.size);
    this.mem.write8(guestPhys(this.base + F.irq_mask.offset), 1);
    this.mem.write16(guestPhys(this.base + F.vcpu_id.offset), vcpu);
    this.setTime(now, windowEnd);
  }

  /** Seqlock update of time_ns and window_end_ns: time_seq odd while writing, even after. */
  setTime(now: Nanos, windowEnd: Nanos): void {
    const seq = this.r32(F.time_seq.offset);
    const odd = (seq | 1) >>> 0;
    this.w32(F.time_seq.offset, odd);
    this.w64(F.time_ns.offset, now);
    this.w64(F.window_end_ns.offset, windowEnd);
    this.w32(F.time_seq.offset, odd + 1);
  }

  /** Marks `virq` pending (and adds `ticks` to missed_ticks). */
  raise(virq: Virq, ticks = 0): void {
    this.w32(F.pending_bitmap.offset, this.r32(F.pending_bitmap.offset) | (1 << virq));
    if (ticks > 0) this.w32(F.missed_ticks.offset, this.r32(F.missed_ticks.offset) + ticks);
    this.mem.write8(guestPhys(this.base + F.irq_pending.offset), 1);
  }

  /** pending_bitmap as the guest left it. */
  get pendingBits(): number {
    return this.r32(F.pending_bitmap.offset);
  }

  /** missed_ticks as the guest left it. */
  get missedTicks(): number {
    return this.r32(F.missed_ticks.offset);
  }

  /** True while the guest holds off upcalls. */
  get masked(): boolean {
    return this.mem.read8(guestPhys(this.base + F.irq_mask.offset)) !== 0;
  }

  /** Sets or clears irq_mask (the kernel masks virqs while a partition HM callback runs). */
  setMasked(masked: boolean): void {
    this.mem.write8(guestPhys(this.base + F.irq_mask.offset), masked ? 1 : 0);
  }

  /** Upcall entry: mask and count (the push and the jump are the upcall's business). */
  enterUpcall(): void {
    this.mem.write8(guestPhys(this.base + F.irq_mask.offset), 1);
    this.w32(F.upcall_count.offset, this.r32(F.upcall_count.offset) + 1);
  }

  /** Upcalls delivered so far. */
  get upcallCount(): number {
    return this.r32(F.upcall_count.offset);
  }
}
