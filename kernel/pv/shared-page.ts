// The kernel's side of one vCPU's shared page (struct pv_shared_page): seqlock time updates, pending
// virq bits and missed ticks, the guest's mask. Reads and writes the kernel-owned physical page only;
// the libpv area (LIBPV_AREA_OFFSET..) is never touched.
import type { PhysicalMemory } from "../mem/physical-memory";
import { RamWords } from "../mem/ram-words";
import { guestPhys, type Nanos } from "../mem/types";
import type { Virq } from "../hypercall/generated/abi-generated";
import { SHARED_PAGE_LAYOUT } from "../hypercall/generated/abi-layout";

const F = SHARED_PAGE_LAYOUT.fields;
/** Word indexes of the time words (all 4-byte aligned in the layout). */
const SEQ = F.time_seq.offset >>> 2;
const TIME_LO = F.time_ns.offset >>> 2;
const TIME_HI = TIME_LO + 1;
const END_LO = F.window_end_ns.offset >>> 2;
const END_HI = END_LO + 1;
/** The words a time publication reads and writes. */
const TIME_WORDS: readonly number[] = [SEQ, TIME_LO, TIME_HI, END_LO, END_HI];

/** One shared page at physical offset `base` of a partition's memory. */
export class SharedPage {
  /** The struct's words, range-checked once: every exit reads and rewrites time_seq and time_ns. */
  private readonly words: RamWords;
  /** The time words as the checked path found them, and as the publication leaves them (indexes TIME_WORDS). */
  private readonly timeBefore = new Int32Array(Math.max(...TIME_WORDS) + 1);
  private readonly timeAfter = new Int32Array(Math.max(...TIME_WORDS) + 1);

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly base: number,
  ) {
    this.words = new RamWords(mem, guestPhys(base), SHARED_PAGE_LAYOUT.size / 4);
  }

  private r32(off: number): number {
    return this.words.get(off >>> 2);
  }

  private w32(off: number, v: number): void {
    this.words.set(off >>> 2, v | 0);
  }

  private w64(off: number, v: bigint): void {
    // Times below 2^53 ns (104 days) split in plain numbers: no BigInt temporaries on every exit.
    const n = Number(v);
    if (v >= 0n && n <= Number.MAX_SAFE_INTEGER) {
      this.w32(off, n % 0x1_0000_0000);
      this.w32(off + 4, Math.floor(n / 0x1_0000_0000));
      return;
    }
    this.w32(off, Number(v & 0xffff_ffffn));
    this.w32(off + 4, Number((v >> 32n) & 0xffff_ffffn));
  }

  /** True when the 64-bit field at `off` holds `v`. */
  private shows(off: number, v: bigint): boolean {
    const n = Number(v);
    if (v < 0n || n > Number.MAX_SAFE_INTEGER) return false;
    return this.r32(off) === n % 0x1_0000_0000 && this.r32(off + 4) === Math.floor(n / 0x1_0000_0000);
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
    // Most exits publish the time already shown: then the page stays as it is (decided from the page
    // itself, not from a memo, so a restored snapshot takes the same path as the run that saved it).
    if ((seq & 1) === 0 && this.shows(F.time_ns.offset, now) && this.shows(F.window_end_ns.offset, windowEnd)) return;
    const odd = (seq | 1) >>> 0;
    this.w32(F.time_seq.offset, odd);
    this.w64(F.time_ns.offset, now);
    this.w64(F.window_end_ns.offset, windowEnd);
    this.w32(F.time_seq.offset, odd + 1);
  }

  /** setTime for times given as safe-integer numbers of ns (the exit path, where the guest resumes and before
   * a loud service): no BigInt. One check of the page, then the update on the RAM view's words when it allows
   * them. Otherwise (MMIO in the machine, code or a read-only page, a page not yet in the dirty log) the same
   * update runs on a copy of the time words, and each word it changed is stored by PhysicalMemory's rules. */
  setTimeNs(now: number, windowEnd: number): void {
    const w = this.words;
    if (w.directNow()) {
      publishTime(w.direct, now, windowEnd);
      return;
    }
    const before = this.timeBefore;
    const after = this.timeAfter;
    for (const i of TIME_WORDS) after[i] = before[i] = w.get(i);
    publishTime(after, now, windowEnd);
    for (const i of TIME_WORDS) if (after[i] !== before[i]) w.set(i, after[i]!);
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
    return this.words.getByte(F.irq_mask.offset) !== 0;
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

/** The seqlock update of setTimeNs on the struct's words `v` (signed: every word is compared and stored as
 * ToInt32). The words that already hold their value are not rewritten; the seqlock brackets the others. */
function publishTime(v: Int32Array, now: number, windowEnd: number): void {
  // x | 0 is x mod 2^32 as a signed word for any integer double below 2^53.
  const nowLo = now | 0;
  const nowHi = ((now - (now >>> 0)) / 0x1_0000_0000) | 0;
  const endLo = windowEnd | 0;
  const endHi = ((windowEnd - (windowEnd >>> 0)) / 0x1_0000_0000) | 0;
  const seq = v[SEQ]!;
  const sameTime = v[TIME_LO] === nowLo && v[TIME_HI] === nowHi;
  const sameEnd = v[END_LO] === endLo && v[END_HI] === endHi;
  if ((seq & 1) === 0 && sameTime && sameEnd) return;
  const odd = seq | 1;
  v[SEQ] = odd;
  if (!sameTime) {
    v[TIME_LO] = nowLo;
    v[TIME_HI] = nowHi;
  }
  if (!sameEnd) {
    v[END_LO] = endLo;
    v[END_HI] = endHi;
  }
  v[SEQ] = odd + 1;
}
