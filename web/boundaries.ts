// Where the page's steps stop: the next window boundary or the next major-frame boundary after `now`
// in the running schedule. Stopping there never cuts a window, so a run in steps prints what one run
// prints. Pure arithmetic on the config.
import type { SystemConfig } from "../kernel/config/model";
import { nanos, type Nanos } from "../kernel/mem/types";

/** The next window edge (start or end) and the next frame end after `now`. */
export function nextBoundary(config: SystemConfig, scheduleId: number, origin: Nanos, now: Nanos): { window: Nanos; frame: Nanos } {
  const sched = config.schedules.find((s) => s.id === scheduleId) ?? config.schedules[0];
  if (sched === undefined) throw new Error("a validated module has a schedule");
  const mf = sched.majorFrame;
  const frameStart = origin + ((now - origin) / mf) * mf;
  const frameEnd = frameStart + mf;
  let window = frameEnd;
  for (const w of sched.windows) {
    for (const edge of [frameStart + w.start, frameStart + w.start + w.duration]) {
      if (edge > now && edge < window) window = edge;
    }
  }
  return { window: nanos(window), frame: nanos(frameEnd) };
}
