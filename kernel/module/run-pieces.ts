// Where a long run may pause to report progress (or a page may stop between steps) without changing
// what it prints: at major-frame boundaries, where no window is in progress. Pure arithmetic.
import type { SystemConfig } from "../config/model";
import { nanos, type Nanos } from "../mem/types";

/** The one major frame shared by every schedule, or undefined when schedules differ (no safe pause points then). */
export function commonMajorFrame(config: SystemConfig): Nanos | undefined {
  const first = config.schedules[0]?.majorFrame;
  if (first === undefined || first <= 0n) return undefined;
  return config.schedules.every((s) => s.majorFrame === first) ? nanos(first) : undefined;
}

/**
 * Pause points in (0, end): every `every` major frames, at most `maxPieces - 1` of them (spread evenly),
 * ascending; empty when schedules have different major frames. The run ends at `end` after the last one.
 */
export function pausePoints(config: SystemConfig, end: Nanos, maxPieces: number): Nanos[] {
  const frame = commonMajorFrame(config);
  if (frame === undefined || maxPieces < 2) return [];
  const frames = (end - 1n) / frame; // whole frames strictly before end
  if (frames <= 0n) return [];
  const step = frames <= BigInt(maxPieces - 1) ? 1n : (frames + BigInt(maxPieces - 2)) / BigInt(maxPieces - 1);
  const out: Nanos[] = [];
  for (let k = step; k <= frames; k += step) out.push(nanos(k * frame));
  return out;
}
