// The validator's promise to the kernel cores: what it accepts, the scheduler and the port router
// accept too (they throw or complain on configs that break their invariants). Also a seeded property
// test of the window rules against the scheduler's own random valid schedules and a brute force.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkWindowPlacement, coveragePerPeriod } from "../../../kernel/config/check-schedule";
import type { TimedWindow } from "../../../kernel/config/check-schedule";
import { DiagnosticSink } from "../../../kernel/config/diagnostic";
import { loadConfig } from "../../../kernel/config/load";
import { nanos } from "../../../kernel/mem/types";
import { channelProblems } from "../../../kernel/ports/channel-check";
import { buildScheduleSet } from "../../../kernel/sched/module-schedules";
import { Prng } from "../../support/prng";
import { randomSchedule } from "../../support/random-schedule";
import { repoRoot } from "./repo-root";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

const examples = path.join(repoRoot(), "partitions", "examples");

describe("kernel/config: contract with the kernel cores", () => {
  for (const f of fs.readdirSync(examples).filter((n) => n.endsWith(".xml"))) {
    it(`${f}: the scheduler compiles its schedules and the router finds no channel problem`, () => {
      const r = loadConfig(path.join(examples, f), NODE_FILES);
      if (!r.ok) throw new Error(`${f} is invalid`);
      expect(() => buildScheduleSet(r.config.schedules)).not.to.throw();
      expect(channelProblems(r.config)).to.deep.equal([]);
    });
  }

  it("accepts the scheduler's random valid schedules and catches a shifted window (seeded)", () => {
    const rng = new Prng(653);
    for (let i = 0; i < 200; i++) {
      const s = randomSchedule(rng, { maxPartitions: 8 });
      const owned = s.windows.map((w) => ({ ...w, owner: String(w.partition) }));
      const ok = new DiagnosticSink();
      checkWindowPlacement(s.majorFrame, owned, ok);
      expect(ok.count, `schedule ${i}`).to.equal(0);
      if (owned.length < 2) continue;
      const k = rng.int(1, owned.length - 1);
      const prev = owned[k - 1];
      const cur = owned[k];
      if (!prev || !cur) continue;
      owned[k] = { ...cur, start: nanos(prev.start + prev.duration - 1n) };
      const bad = new DiagnosticSink();
      checkWindowPlacement(s.majorFrame, owned, bad);
      expect(bad.count, `shifted schedule ${i}`).to.be.greaterThan(0);
    }
  });

  it("computes per-period coverage like a tick-by-tick count (seeded)", () => {
    const rng = new Prng(42);
    for (let i = 0; i < 200; i++) {
      const period = BigInt(rng.int(1, 12));
      const frame = period * BigInt(rng.int(1, 5));
      const ws: TimedWindow[] = [];
      for (let n = rng.int(0, 4); n > 0; n--) {
        const start = rng.bigint(0n, frame - 1n);
        ws.push({ id: n, start, duration: rng.bigint(1n, frame - start), partitionPeriodStart: false, pos: { file: "t", line: 1, column: 1 } });
      }
      const brute: bigint[] = [];
      for (let k = 0n; k < frame / period; k++) {
        let c = 0n;
        for (let t = k * period; t < (k + 1n) * period; t++) if (ws.some((w) => t >= w.start && t < w.start + w.duration)) c++;
        brute.push(c);
      }
      // Overlapping windows are rejected elsewhere; the count here is per window, so compare only disjoint sets.
      const disjoint = ws.every((a, x) => ws.every((b, y) => x === y || a.start + a.duration <= b.start || b.start + b.duration <= a.start));
      if (disjoint) expect(coveragePerPeriod(frame, period, ws), `case ${i}`).to.deep.equal(brute);
    }
  });
});
