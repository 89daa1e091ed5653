import { expect } from "chai";
import { nanos, partitionId } from "../../../kernel/mem/types";
import { compileSchedule, decideWindow, type CompiledSchedule, type FrameSlot } from "../../../kernel/sched/window-scheduler";
import { moduleSchedule } from "../../support/config-fixtures";
import { Prng } from "../../support/prng";
import { randomSchedule } from "../../support/random-schedule";

/** Frame of 100 ns: P1 [10,30), P2 [30,50), idle [50,70), P1 [70,90), idle [90,100) and [0,10). */
const SAMPLE = compileSchedule(
  moduleSchedule({ majorFrame: 100, windows: [[1, 10, 20, true], [2, 30, 20], [1, 70, 20]] }),
);

/** Reference answer by linear scan, independent of the binary search and hints. */
function bruteSlot(s: CompiledSchedule, offset: bigint): FrameSlot {
  const slot = s.slots.find((x) => x.start <= offset && offset < x.end);
  if (slot === undefined) throw new Error(`no slot at ${offset}`);
  return slot;
}

/** Assertion for hot loops, where chai's per-call cost adds up. */
function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`property violated: ${what}`);
}

describe("kernel/sched/window-scheduler", () => {
  it("cuts the frame into windows and idle gaps", () => {
    const rows = SAMPLE.slots.map((s) => [Number(s.start), Number(s.end), s.partition, s.windowId]);
    expect(rows).to.deep.equal([
      [0, 10, undefined, undefined],
      [10, 30, 1, 1],
      [30, 50, 2, 2],
      [50, 70, undefined, undefined],
      [70, 90, 1, 3],
      [90, 100, undefined, undefined],
    ]);
  });

  const cases: readonly [now: number, partition: number | undefined, windowId: number | undefined, until: number, frameStart: number][] = [
    [0, undefined, undefined, 10, 0],
    [9, undefined, undefined, 10, 0],
    [10, 1, 1, 30, 0],
    [29, 1, 1, 30, 0],
    [30, 2, 2, 50, 0],
    [55, undefined, undefined, 70, 0],
    [70, 1, 3, 90, 0],
    [99, undefined, undefined, 100, 0], // the frame end is a decision point (schedule switches land there)
    [100, undefined, undefined, 110, 100],
    [110, 1, 1, 130, 100],
    [1_000_000_000_075, 1, 3, 1_000_000_000_090, 1_000_000_000_000],
  ];
  for (const [now, partition, windowId, until, frameStart] of cases) {
    it(`at ${now} ns runs ${partition ?? "nobody"} until ${until}`, () => {
      const d = decideWindow(SAMPLE, nanos(0), nanos(now));
      expect(d.partition).to.equal(partition);
      expect(d.windowId).to.equal(windowId);
      expect(d.until).to.equal(BigInt(until));
      expect(d.frameStart).to.equal(BigInt(frameStart));
    });
  }

  it("counts frames from the schedule epoch", () => {
    const d = decideWindow(SAMPLE, nanos(1005), nanos(1005 + 35));
    expect(d.partition).to.equal(2);
    expect(d.frameStart).to.equal(1005n);
    expect(d.until).to.equal(1055n);
  });

  it("flags the window that starts a partition period", () => {
    expect(decideWindow(SAMPLE, nanos(0), nanos(15)).periodStart).to.equal(true);
    expect(decideWindow(SAMPLE, nanos(0), nanos(75)).periodStart).to.equal(false);
  });

  it("keeps exact nanoseconds beyond 2^53", () => {
    const now = nanos(2n ** 60n + 12n);
    const d = decideWindow(SAMPLE, nanos(0), now);
    expect(d.frameStart + bruteSlot(SAMPLE, (2n ** 60n + 12n) % 100n).end).to.equal(d.until);
  });

  it("runs nobody for a whole frame without windows", () => {
    const empty = compileSchedule(moduleSchedule({ majorFrame: 50, windows: [] }));
    const d = decideWindow(empty, nanos(0), nanos(60));
    expect(d.partition).to.equal(undefined);
    expect(d.until).to.equal(100n);
  });

  it("refuses windows that overlap, leave the frame or are empty (validator bugs)", () => {
    expect(() => compileSchedule(moduleSchedule({ majorFrame: 100, windows: [[1, 0, 20], [2, 10, 5]] }))).to.throw();
    expect(() => compileSchedule(moduleSchedule({ majorFrame: 100, windows: [[1, 90, 20]] }))).to.throw();
    expect(() => compileSchedule(moduleSchedule({ majorFrame: 100, windows: [[1, 10, 0]] }))).to.throw();
    expect(() => compileSchedule(moduleSchedule({ majorFrame: 0, windows: [] }))).to.throw();
  });

  it("refuses a time before the epoch (host bug)", () => {
    expect(() => decideWindow(SAMPLE, nanos(100), nanos(99))).to.throw();
  });

  it("gives the same answer with or without a hint, whatever the hint", () => {
    const rng = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const now = nanos(rng.int(0, 10_000));
      const plain = decideWindow(SAMPLE, nanos(0), now);
      const hinted = decideWindow(SAMPLE, nanos(0), now, rng.int(0, SAMPLE.slots.length - 1));
      expect(hinted).to.deep.equal(plain);
    }
  });

  it("handles 1000 partitions with hinted decisions matching the reference", () => {
    const specs = Array.from({ length: 1000 }, (_, i) => [i + 1, i * 10, 7] as const);
    const big = compileSchedule(moduleSchedule({ majorFrame: 10_000, windows: specs }));
    let hint: number | undefined;
    let t = 0n;
    let switches = 0;
    while (t < 30_000n) {
      const d = decideWindow(big, nanos(0), nanos(t), hint);
      // Partition i+1 owns [10i, 10i+7) of each frame; [10i+7, 10i+10) is idle.
      const offset = Number(t % 10_000n);
      check(d.partition === (offset % 10 < 7 ? Math.floor(offset / 10) + 1 : undefined), `partition at ${t}`);
      check(d.until > t, `no progress at ${t}`);
      hint = d.slotIndex;
      t = d.until;
      switches++;
    }
    expect(switches).to.equal(3 * 2000);
  });

  describe("property: random schedules driven with random steps", () => {
    for (let seed = 1; seed <= 60; seed++) {
      it(`seed ${seed}: time per partition equals its windows, switches only at boundaries`, () => {
        const rng = new Prng(seed * 7919);
        const config = randomSchedule(rng);
        const s = compileSchedule(config);
        const maxStep = rng.pick([20, 300, Number(s.majorFrame) * 2]);
        // About 20k steps at most per seed keeps the suite fast; at least 2 frames crosses a frame end.
        const budget = BigInt(10_000 * maxStep) / s.majorFrame;
        const frames = budget < 2n ? 2n : budget > 12n ? 12n : budget;
        const end = s.majorFrame * frames;
        const given = new Map<number, bigint>();
        let t = 0n;
        let hint: number | undefined;
        let prev: { key: string; until: bigint } | undefined;
        while (t < end) {
          const d = decideWindow(s, nanos(0), nanos(t), rng.chance(1, 2) ? hint : undefined);
          const ref = bruteSlot(s, t % s.majorFrame);
          check(d.until > t, `no progress at ${t}`);
          check(d.partition === ref.partition, `partition at ${t}`);
          check(d.until === t - (t % s.majorFrame) + ref.end, `until at ${t}`);
          const key = `${d.windowId ?? "idle"}@${d.frameStart}`;
          if (prev !== undefined && key !== prev.key) {
            // A switch: it must fall exactly where the previous decision said it would.
            check(t === prev.until, `switch at ${t}, expected at ${prev.until}`);
            check(s.slots.some((x) => x.start === t % s.majorFrame), `switch at ${t} is not a boundary`);
          } else if (prev !== undefined) {
            check(t < prev.until, `decision at ${t} outlived its end ${prev.until}`);
          }
          const stepped = t + BigInt(rng.int(1, maxStep));
          const next = stepped < d.until ? stepped : d.until;
          if (d.partition !== undefined) given.set(d.partition, (given.get(d.partition) ?? 0n) + (next - t));
          prev = { key, until: d.until };
          hint = d.slotIndex;
          t = next;
        }
        const expected = new Map<number, bigint>();
        for (const w of config.windows) expected.set(w.partition, (expected.get(w.partition) ?? 0n) + w.duration * frames);
        expect([...given.entries()].sort((a, b) => a[0] - b[0])).to.deep.equal(
          [...expected.entries()].sort((a, b) => a[0] - b[0]),
        );
      });
    }
  });

  it("answers arbitrary late jumps like the reference (windows start on time)", () => {
    const rng = new Prng(4242);
    for (let k = 0; k < 40; k++) {
      const s = compileSchedule(randomSchedule(rng));
      const epoch = rng.bigint(0n, 10_000n);
      for (let i = 0; i < 50; i++) {
        const now = epoch + rng.bigint(0n, s.majorFrame * 1000n);
        const d = decideWindow(s, nanos(epoch), nanos(now));
        const ref = bruteSlot(s, (now - epoch) % s.majorFrame);
        expect(d.partition).to.equal(ref.partition);
        expect(d.slotStart).to.equal(now - ((now - epoch) % s.majorFrame) + ref.start);
      }
    }
  });

  it("uses partitionId-branded values", () => {
    expect(decideWindow(SAMPLE, nanos(0), nanos(31)).partition).to.equal(partitionId(2));
  });
});
