// Random valid module schedules for property tests: 1..maxPartitions partitions, windows sorted,
// non-overlapping, with random idle gaps (possibly none) between them and at the frame end.
import type { ModuleScheduleConfig } from "../../kernel/config/model";
import { moduleSchedule, type WindowSpec } from "./config-fixtures";
import type { Prng } from "./prng";

/** Draws a random valid schedule; every partition owns at least one window. */
export function randomSchedule(
  rng: Prng,
  opts: { id?: number; maxPartitions?: number; maxWindow?: number; maxGap?: number } = {},
): ModuleScheduleConfig {
  const nPartitions = rng.int(1, opts.maxPartitions ?? 50);
  const owners: number[] = [];
  for (let p = 1; p <= nPartitions; p++) owners.push(p);
  const extra = rng.int(0, nPartitions * 2);
  for (let i = 0; i < extra; i++) owners.push(rng.int(1, nPartitions));
  // Shuffle (Fisher-Yates) so that window order is not partition order.
  for (let i = owners.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const a = owners[i] as number;
    owners[i] = owners[j] as number;
    owners[j] = a;
  }
  const specs: WindowSpec[] = [];
  let t = 0n;
  for (const p of owners) {
    t += BigInt(rng.chance(1, 2) ? 0 : rng.int(1, opts.maxGap ?? 500));
    const d = BigInt(rng.int(1, opts.maxWindow ?? 1000));
    specs.push([p, t, d]);
    t += d;
  }
  const majorFrame = t + BigInt(rng.chance(1, 2) ? 0 : rng.int(1, opts.maxGap ?? 500));
  return moduleSchedule({ id: opts.id ?? 1, majorFrame, windows: specs });
}
