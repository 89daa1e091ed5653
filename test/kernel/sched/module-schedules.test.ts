import { expect } from "chai";
import { nanos, partitionId, type Nanos } from "../../../kernel/mem/types";
import {
  buildScheduleSet,
  decideModule,
  initialScheduleState,
  requestScheduleChange,
  scheduleIdByName,
  scheduleStatus,
  type ScheduleState,
} from "../../../kernel/sched/module-schedules";
import { toReturnCode, ReturnCode } from "../../../kernel/ports/return-codes";
import { moduleSchedule, partitionSchedule } from "../../support/config-fixtures";
import { Prng } from "../../support/prng";
import { randomSchedule } from "../../support/random-schedule";

// Schedule 1 "day": 100 ns frame, P1 [0,40) may switch, P2 [40,80) may not. P3 is in no window of it.
// Schedule 2 "night": 60 ns frame, P2 [0,30), P1 [30,60); actions COLD_START for P2, IDLE for P1.
const SET = buildScheduleSet([
  moduleSchedule({
    id: 2,
    name: "night",
    initial: false,
    majorFrame: 60,
    windows: [[2, 0, 30], [1, 30, 30]],
    partitions: [
      partitionSchedule(2, { action: "COLD_START" }),
      partitionSchedule(1, { setModuleSchedule: true, action: "IDLE" }),
    ],
  }),
  moduleSchedule({
    id: 1,
    name: "day",
    initial: true,
    majorFrame: 100,
    windows: [[1, 0, 40], [2, 40, 40]],
    partitions: [partitionSchedule(1, { setModuleSchedule: true }), partitionSchedule(2)],
  }),
]);
const P1 = partitionId(1);
const P2 = partitionId(2);
const P3 = partitionId(3);
const t = (v: number): Nanos => nanos(v);

describe("kernel/sched/module-schedules", () => {
  it("starts in the initial schedule with no switch time", () => {
    const s = initialScheduleState(SET);
    expect(scheduleStatus(SET, s, t(0))).to.deep.equal({ lastSwitch: 0n, current: 1, next: 1 });
  });

  const requests: readonly [what: string, caller: number, id: number, code: number, next: number][] = [
    ["unknown schedule id", 1, 9, ReturnCode.INVALID_PARAM, 1],
    ["caller without SetModuleSchedule", 2, 2, ReturnCode.INVALID_CONFIG, 1],
    ["caller absent from the current schedule", 3, 2, ReturnCode.INVALID_CONFIG, 1],
    ["permitted caller, other schedule", 1, 2, ReturnCode.NO_ERROR, 2],
    ["permitted caller, current schedule", 1, 1, ReturnCode.NO_ERROR, 1],
  ];
  for (const [what, caller, id, code, next] of requests) {
    it(`SET_MODULE_SCHEDULE: ${what} -> ${code}`, () => {
      const s0 = initialScheduleState(SET);
      const r = requestScheduleChange(SET, s0, partitionId(caller), id, t(10));
      expect(toReturnCode(r.outcome)).to.equal(code);
      expect(scheduleStatus(SET, r.state, t(10)).next).to.equal(next);
    });
  }

  it("switches exactly at the end of the current major frame and reports change actions", () => {
    let s: ScheduleState = requestScheduleChange(SET, initialScheduleState(SET), P1, 2, t(250)).state;
    expect(s.pending).to.deep.equal({ id: 2, at: 300n });
    const before = decideModule(SET, s, t(299));
    expect(before.switched).to.equal(undefined);
    expect(before.decision.partition).to.equal(undefined); // idle tail [80,100) of "day"
    expect(before.decision.until).to.equal(300n);
    const after = decideModule(SET, before.state, t(300));
    expect(after.switched).to.deep.equal({
      at: 300n,
      from: 1,
      to: 2,
      actions: [
        { partition: P1, action: "IDLE" },
        { partition: P2, action: "COLD_START" },
      ],
    });
    expect(after.decision.partition).to.equal(P2);
    expect(after.decision.frameStart).to.equal(300n);
    s = after.state;
    expect(scheduleStatus(SET, s, t(301))).to.deep.equal({ lastSwitch: 300n, current: 2, next: 2 });
    expect(decideModule(SET, s, t(365)).decision.frameStart).to.equal(360n);
  });

  it("takes a switch at its due frame end even when time jumps past it", () => {
    const s = requestScheduleChange(SET, initialScheduleState(SET), P1, 2, t(5)).state;
    const r = decideModule(SET, s, t(100 + 60 * 3 + 31));
    expect(r.switched?.at).to.equal(100n);
    expect(r.decision.partition).to.equal(P1);
    expect(r.decision.frameStart).to.equal(100n + 180n);
  });

  it("reports a due switch in the status even before the next decision", () => {
    const s = requestScheduleChange(SET, initialScheduleState(SET), P1, 2, t(5)).state;
    expect(scheduleStatus(SET, s, t(99))).to.deep.equal({ lastSwitch: 0n, current: 1, next: 2 });
    expect(scheduleStatus(SET, s, t(100))).to.deep.equal({ lastSwitch: 100n, current: 2, next: 2 });
  });

  it("cancels a pending change when the current schedule is requested again", () => {
    const pending = requestScheduleChange(SET, initialScheduleState(SET), P1, 2, t(5)).state;
    const r = requestScheduleChange(SET, pending, P1, 1, t(6));
    expect(r.outcome).to.equal("ok");
    expect(r.state.pending).to.equal(undefined);
    expect(decideModule(SET, r.state, t(150)).switched).to.equal(undefined);
  });

  it("checks permission against the schedule in force at the request time", () => {
    // After the switch to "night", P2 is still not permitted, P1 is.
    const s = decideModule(SET, requestScheduleChange(SET, initialScheduleState(SET), P1, 2, t(5)).state, t(100)).state;
    expect(requestScheduleChange(SET, s, P2, 1, t(110)).outcome).to.equal("notPermitted");
    const back = requestScheduleChange(SET, s, P1, 1, t(110));
    expect(back.state.pending).to.deep.equal({ id: 1, at: 160n });
    expect(requestScheduleChange(SET, s, P3, 1, t(110)).outcome).to.equal("notPermitted");
  });

  it("GET_MODULE_SCHEDULE_ID by name; unknown name -> INVALID_CONFIG", () => {
    expect(scheduleIdByName(SET, "night")).to.deep.equal({ outcome: "ok", id: 2 });
    const miss = scheduleIdByName(SET, "dawn");
    expect(miss.outcome).to.equal("unknownName");
    expect(toReturnCode(miss.outcome)).to.equal(ReturnCode.INVALID_CONFIG);
  });

  it("refuses sets without exactly one initial schedule or with duplicates (validator bugs)", () => {
    const a = moduleSchedule({ id: 1, initial: false, majorFrame: 10, windows: [] });
    const b = moduleSchedule({ id: 2, initial: false, majorFrame: 10, windows: [] });
    expect(() => buildScheduleSet([a, b])).to.throw();
    expect(() => buildScheduleSet([{ ...a, initial: true }, { ...a, initial: false }])).to.throw();
    expect(buildScheduleSet([a]).initialId).to.equal(1);
  });

  it("property: random requests only ever switch at frame ends of the schedule in force", () => {
    const rng = new Prng(99);
    let s = initialScheduleState(SET);
    let now = 0n;
    let hint: number | undefined;
    let switches = 0;
    while (now < 100_000n) {
      if (rng.chance(1, 10)) s = requestScheduleChange(SET, s, rng.pick([P1, P2, P3]), rng.int(0, 3), nanos(now)).state;
      const before = s;
      const r = decideModule(SET, s, nanos(now), hint);
      if (r.switched !== undefined) {
        switches++;
        const old = SET.byId.get(before.currentId);
        if (old === undefined) throw new Error("lost schedule");
        if ((r.switched.at - before.epoch) % old.majorFrame !== 0n) throw new Error(`switch off a frame end at ${r.switched.at}`);
        if (r.switched.at > now) throw new Error("switch in the future");
      }
      if (r.decision.until <= now) throw new Error(`no progress at ${now}`);
      s = r.state;
      hint = r.decision.slotIndex;
      const step = now + BigInt(rng.int(1, 80));
      now = step < r.decision.until ? step : r.decision.until;
    }
    expect(switches).to.be.greaterThan(10);
  });

  describe("property: random schedule sets with random switch requests", () => {
    for (let seed = 1; seed <= 15; seed++) {
      it(`seed ${seed}: each partition gets exactly the windows of the frames that ran`, () => {
        const rng = new Prng(seed * 104_729);
        const count = rng.int(2, 3);
        const configs = Array.from({ length: count }, (_, i) => {
          const c = randomSchedule(rng, { id: i + 1, maxPartitions: 8, maxWindow: 200, maxGap: 100 });
          // Every partition of every schedule may ask for a switch.
          return { ...c, initial: i === 0, partitions: c.partitions.map((p) => ({ ...p, setModuleSchedule: true })) };
        });
        const set = buildScheduleSet(configs);
        let s = initialScheduleState(set);
        const given = new Map<number, bigint>();
        const expected = new Map<number, bigint>();
        let frameStart = -1n;
        let t = 0n;
        let frames = 0;
        let switches = 0;
        for (;;) {
          const r = decideModule(set, s, nanos(t));
          if (r.decision.until <= t) throw new Error(`no progress at ${t}`);
          s = r.state;
          if (r.switched !== undefined) switches++;
          if (r.decision.frameStart !== frameStart) {
            // A new frame of the schedule in force begins exactly now.
            if (r.decision.frameStart !== t) throw new Error(`frame start ${r.decision.frameStart} missed at ${t}`);
            if (frames === 40) break;
            frames++;
            frameStart = r.decision.frameStart;
            for (const w of set.byId.get(s.currentId)?.config.windows ?? []) {
              expected.set(w.partition, (expected.get(w.partition) ?? 0n) + w.duration);
            }
          }
          const partition = r.decision.partition;
          if (partition !== undefined && rng.chance(1, 4)) {
            s = requestScheduleChange(set, s, partition, rng.int(1, count), nanos(t)).state;
          }
          const stepped = t + BigInt(rng.int(1, 150));
          const next = stepped < r.decision.until ? stepped : r.decision.until;
          if (partition !== undefined) given.set(partition, (given.get(partition) ?? 0n) + (next - t));
          t = next;
        }
        const sorted = (m: Map<number, bigint>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
        expect(sorted(given)).to.deep.equal(sorted(expected));
        expect(switches).to.be.greaterThan(0);
      });
    }
  });
});
