// The window scheduler's hot path in plain numbers: the same decision as decideWindow (window-scheduler.ts)
// for times below 2^53 ns (104 days), written into one preallocated record, so that a window switch
// allocates nothing and does no BigInt arithmetic. It knows nothing of schedule switches (the caller
// settles those first) and keeps no state beyond the last decision.
import type { PartitionId } from "../mem/types";
import type { CompiledSchedule } from "./window-scheduler";

/** Largest virtual time (ns) the number path handles exactly: 2^53 - 1, about 104 days. */
export const MAX_NUMERIC_NS = Number.MAX_SAFE_INTEGER;

/** A compiled schedule's slot bounds as numbers (built once per schedule). */
export interface NumericSlots {
  readonly majorFrame: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
}

/** The slot bounds of `schedule` as numbers; undefined when its frame does not fit below 2^53 ns. */
export function numericSlots(schedule: CompiledSchedule): NumericSlots | undefined {
  if (schedule.majorFrame > BigInt(MAX_NUMERIC_NS)) return undefined;
  const n = schedule.slots.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  schedule.slots.forEach((s, i) => {
    starts[i] = Number(s.start);
    ends[i] = Number(s.end);
  });
  return { majorFrame: Number(schedule.majorFrame), starts, ends };
}

/** A WindowDecision in numbers, overwritten by each decideWindowAt. */
export class WindowCursor {
  partition: PartitionId | undefined = undefined;
  /** The window's id; 0 in an idle gap (decideWindow leaves it out there). */
  windowId = 0;
  until = 0;
  frameStart = 0;
  slotStart = 0;
  slotIndex = -1;
  periodStart = false;
}

/**
 * decideWindow(schedule, epoch, now, hint) in numbers, into `out`; false (and `out` untouched) when a time
 * involved is not below 2^53 ns, so that the caller takes the BigInt path. `hint` is out.slotIndex.
 */
export function decideWindowAt(schedule: CompiledSchedule, slots: NumericSlots, epoch: number, now: number, out: WindowCursor): boolean {
  if (now < epoch) throw new Error(`time ${now} precedes schedule epoch ${epoch}`);
  const offset = (now - epoch) % slots.majorFrame; // exact: both operands are safe integers
  const frameStart = now - offset;
  if (frameStart + slots.majorFrame > MAX_NUMERIC_NS) return false;
  const index = findSlotAt(slots, offset, out.slotIndex);
  const slot = schedule.slots[index];
  if (slot === undefined) throw new Error("slot index out of range");
  out.partition = slot.partition;
  out.windowId = slot.windowId ?? 0;
  out.until = frameStart + (slots.ends[index] ?? 0);
  out.frameStart = frameStart;
  out.slotStart = frameStart + (slots.starts[index] ?? 0);
  out.slotIndex = index;
  out.periodStart = slot.periodStart;
  return true;
}

function contains(slots: NumericSlots, i: number, offset: number): boolean {
  return i >= 0 && i < slots.starts.length && (slots.starts[i] ?? 0) <= offset && offset < (slots.ends[i] ?? 0);
}

/** Index of the slot containing `offset`: the hint or the next slot first, else a binary search. */
function findSlotAt(slots: NumericSlots, offset: number, hint: number): number {
  if (contains(slots, hint, offset)) return hint;
  const next = hint + 1 === slots.starts.length ? 0 : hint + 1;
  if (contains(slots, next, offset)) return next;
  let lo = 0;
  let hi = slots.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((slots.starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
