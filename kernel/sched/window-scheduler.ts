// Pure window scheduler for one module schedule: which partition runs at a given virtual time and
// until when. It knows nothing of vCPUs, schedule switching (module-schedules.ts) or partition modes.
import type { ModuleScheduleConfig } from "../config/model";
import { nanos, type Nanos, type PartitionId } from "../mem/types";

/**
 * One slot of a major frame: a configured window or an idle gap between windows.
 * Invariant: slots tile [0, majorFrame) without gaps or overlaps, in ascending order.
 */
export interface FrameSlot {
  /** Offset of the slot start from the frame start. */
  readonly start: Nanos;
  /** Offset of the slot end (exclusive) from the frame start. */
  readonly end: Nanos;
  /** The partition of a window; undefined for an idle gap (no partition runs). */
  readonly partition: PartitionId | undefined;
  readonly windowId: number | undefined;
  /** Window_Schedule PartitionPeriodStart: a partition period begins with this window. */
  readonly periodStart: boolean;
}

/** A module schedule precomputed for decisions: its frame cut into sorted slots. */
export interface CompiledSchedule {
  readonly id: number;
  readonly name: string;
  readonly majorFrame: Nanos;
  readonly slots: readonly FrameSlot[];
  readonly config: ModuleScheduleConfig;
}

/** The scheduler's answer for one instant. */
export interface WindowDecision {
  /** The partition to run; undefined in an idle gap. */
  readonly partition: PartitionId | undefined;
  readonly windowId?: number;
  /** Absolute virtual time at which this decision expires: the next decision point. */
  readonly until: Nanos;
  /** Absolute virtual time at which the current major frame began. */
  readonly frameStart: Nanos;
  /** Absolute virtual time at which the current slot began. */
  readonly slotStart: Nanos;
  /** Index into CompiledSchedule.slots; pass it back as a hint for the next decision. */
  readonly slotIndex: number;
  /** True when the current window starts a partition period (PartitionPeriodStart). */
  readonly periodStart: boolean;
}

/**
 * Cuts a validated schedule into slots. The config validator guarantees windows are sorted, inside
 * the frame and non-overlapping; if they are not, that is a host bug and this throws.
 */
export function compileSchedule(config: ModuleScheduleConfig): CompiledSchedule {
  if (config.majorFrame <= 0n) throw new Error(`schedule ${config.id}: major frame must be positive`);
  const slots: FrameSlot[] = [];
  let cursor = 0n;
  for (const w of config.windows) {
    const end = w.start + w.duration;
    if (w.duration <= 0n || w.start < cursor || end > config.majorFrame) {
      throw new Error(`schedule ${config.id}: window ${w.id} is empty, overlaps or leaves the frame`);
    }
    if (w.start > cursor) slots.push(idleSlot(cursor, w.start));
    slots.push({
      start: w.start,
      end: nanos(end),
      partition: w.partition,
      windowId: w.id,
      periodStart: w.partitionPeriodStart,
    });
    cursor = end;
  }
  if (cursor < config.majorFrame) slots.push(idleSlot(cursor, config.majorFrame));
  return { id: config.id, name: config.name, majorFrame: config.majorFrame, slots, config };
}

function idleSlot(start: bigint, end: bigint): FrameSlot {
  return { start: nanos(start), end: nanos(end), partition: undefined, windowId: undefined, periodStart: false };
}

/**
 * Decides who runs at `now`, for a schedule whose first frame began at `epoch`. Windows start on
 * time whatever happened before: the answer depends on (now - epoch) only. O(1) when `hint` is the
 * previous slot index and time moved to the same or the next slot, O(log n) otherwise.
 */
export function decideWindow(schedule: CompiledSchedule, epoch: Nanos, now: Nanos, hint?: number): WindowDecision {
  if (now < epoch) throw new Error(`time ${now} precedes schedule epoch ${epoch}`);
  const offset = (now - epoch) % schedule.majorFrame;
  const frameStart = now - offset;
  const index = findSlot(schedule.slots, offset, hint);
  const slot = schedule.slots[index];
  if (slot === undefined) throw new Error("slot index out of range");
  const base = {
    partition: slot.partition,
    until: nanos(frameStart + slot.end),
    frameStart: nanos(frameStart),
    slotStart: nanos(frameStart + slot.start),
    slotIndex: index,
    periodStart: slot.periodStart,
  };
  return slot.windowId === undefined ? base : { ...base, windowId: slot.windowId };
}

function contains(slot: FrameSlot | undefined, offset: bigint): boolean {
  return slot !== undefined && slot.start <= offset && offset < slot.end;
}

/** Index of the slot containing `offset` (0 <= offset < majorFrame). */
function findSlot(slots: readonly FrameSlot[], offset: bigint, hint: number | undefined): number {
  if (hint !== undefined) {
    if (contains(slots[hint], offset)) return hint;
    const next = (hint + 1) % slots.length;
    if (contains(slots[next], offset)) return next;
  }
  let lo = 0;
  let hi = slots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const slot = slots[mid];
    if (slot === undefined) throw new Error("slot index out of range");
    if (slot.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
