import { expect } from "chai";
import type { PartitionAction } from "../../../kernel/config/model";
import {
  applyPartitionAction,
  moduleStartState,
  OPERATING_MODE_VALUES,
  operatingModeFromValue,
  setPartitionMode,
  type ActionCause,
  type OperatingMode,
  type PartitionModeState,
  type StartCondition,
} from "../../../kernel/partition/partition-mode";
import { nanos, partitionId } from "../../../kernel/mem/types";
import { ReturnCode, toReturnCode } from "../../../kernel/ports/return-codes";
import { buildScheduleSet, decideModule, initialScheduleState, requestScheduleChange } from "../../../kernel/sched/module-schedules";
import { moduleSchedule, partitionSchedule } from "../../support/config-fixtures";

const M = OPERATING_MODE_VALUES;
type Row = readonly [from: OperatingMode, requested: number, mode: OperatingMode, condition: StartCondition, effects: string, code: number];

describe("kernel/partition/partition-mode", () => {
  it("starts cold, with the start condition of the module start", () => {
    expect(moduleStartState("powerOn")).to.deep.equal({ mode: "COLD_START", startCondition: "NORMAL_START" });
    expect(moduleStartState("moduleRestart")).to.deep.equal({ mode: "COLD_START", startCondition: "HM_MODULE_RESTART" });
  });

  it("decodes OPERATING_MODE values 0..3 and nothing else", () => {
    expect([0, 1, 2, 3, 4, -1].map(operatingModeFromValue)).to.deep.equal(["IDLE", "COLD_START", "WARM_START", "NORMAL", undefined, undefined]);
  });

  describe("SET_PARTITION_MODE", () => {
    // Every running mode x every requested value, plus invalid values. Start condition before: NORMAL_START.
    const rows: readonly Row[] = [
      ["COLD_START", M.NORMAL, "NORMAL", "NORMAL_START", "enterNormal", ReturnCode.NO_ERROR],
      ["COLD_START", M.IDLE, "IDLE", "NORMAL_START", "stop", ReturnCode.NO_ERROR],
      ["COLD_START", M.COLD_START, "COLD_START", "PARTITION_RESTART", "restart:COLD_START", ReturnCode.NO_ERROR],
      ["COLD_START", M.WARM_START, "COLD_START", "NORMAL_START", "", ReturnCode.INVALID_MODE],
      ["WARM_START", M.NORMAL, "NORMAL", "NORMAL_START", "enterNormal", ReturnCode.NO_ERROR],
      ["WARM_START", M.IDLE, "IDLE", "NORMAL_START", "stop", ReturnCode.NO_ERROR],
      ["WARM_START", M.COLD_START, "COLD_START", "PARTITION_RESTART", "restart:COLD_START", ReturnCode.NO_ERROR],
      ["WARM_START", M.WARM_START, "WARM_START", "PARTITION_RESTART", "restart:WARM_START", ReturnCode.NO_ERROR],
      ["NORMAL", M.NORMAL, "NORMAL", "NORMAL_START", "", ReturnCode.NO_ACTION],
      ["NORMAL", M.IDLE, "IDLE", "NORMAL_START", "stop", ReturnCode.NO_ERROR],
      ["NORMAL", M.COLD_START, "COLD_START", "PARTITION_RESTART", "restart:COLD_START", ReturnCode.NO_ERROR],
      ["NORMAL", M.WARM_START, "WARM_START", "PARTITION_RESTART", "restart:WARM_START", ReturnCode.NO_ERROR],
      ["NORMAL", 4, "NORMAL", "NORMAL_START", "", ReturnCode.INVALID_PARAM],
      ["COLD_START", -1, "COLD_START", "NORMAL_START", "", ReturnCode.INVALID_PARAM],
    ];
    for (const [from, requested, mode, condition, effects, code] of rows) {
      it(`${from} -> ${operatingModeFromValue(requested) ?? requested}: ${mode}/${condition} rc=${code}`, () => {
        const r = setPartitionMode({ mode: from, startCondition: "NORMAL_START" }, requested);
        expect(r.mode).to.equal(mode);
        expect(r.startCondition).to.equal(condition);
        expect(r.effects.map((e) => (e.kind === "restart" ? `restart:${e.mode}` : e.kind)).join(",")).to.equal(effects);
        expect(toReturnCode(r.outcome)).to.equal(code);
      });
    }

    it("keeps the start condition of an HM restart when entering NORMAL", () => {
      const r = setPartitionMode({ mode: "WARM_START", startCondition: "HM_PARTITION_RESTART" }, M.NORMAL);
      expect(r.startCondition).to.equal("HM_PARTITION_RESTART");
    });

    it("cannot be called by an IDLE partition (host bug)", () => {
      expect(() => setPartitionMode({ mode: "IDLE", startCondition: "NORMAL_START" }, M.NORMAL)).to.throw();
    });
  });

  describe("imposed partition actions", () => {
    const modes: readonly OperatingMode[] = ["IDLE", "COLD_START", "WARM_START", "NORMAL"];
    const actions: readonly PartitionAction[] = ["IGNORE", "IDLE", "WARM_START", "COLD_START"];
    const causes: readonly ActionCause[] = ["healthMonitor", "scheduleChange"];
    const expected = (from: OperatingMode, action: PartitionAction, cause: ActionCause): [OperatingMode, string, string] => {
      const restartCond = cause === "healthMonitor" ? "HM_PARTITION_RESTART" : "PARTITION_RESTART";
      switch (action) {
        case "IGNORE":
          return [from, "NORMAL_START", ""];
        case "IDLE":
          return from === "IDLE" ? ["IDLE", "NORMAL_START", ""] : ["IDLE", "NORMAL_START", "stop"];
        case "COLD_START":
          return ["COLD_START", restartCond, "restart:COLD_START"];
        case "WARM_START":
          return from === "NORMAL" || from === "WARM_START"
            ? ["WARM_START", restartCond, "restart:WARM_START"]
            : ["COLD_START", restartCond, "restart:COLD_START"];
      }
    };
    for (const cause of causes) {
      for (const from of modes) {
        for (const action of actions) {
          const [mode, condition, effects] = expected(from, action, cause);
          it(`${cause}: ${action} on ${from} -> ${mode}/${condition} [${effects}]`, () => {
            const state: PartitionModeState = { mode: from, startCondition: "NORMAL_START" };
            const r = applyPartitionAction(state, action, cause);
            expect([r.mode, r.startCondition]).to.deep.equal([mode, condition]);
            expect(r.effects.map((e) => (e.kind === "restart" ? `restart:${e.mode}` : e.kind)).join(",")).to.equal(effects);
            expect(r.outcome).to.equal(effects === "" ? "noChange" : "ok");
          });
        }
      }
    }
  });

  it("applies the ScheduleChangeAction list reported by a module schedule switch", () => {
    const set = buildScheduleSet([
      moduleSchedule({ id: 1, majorFrame: 10, windows: [[1, 0, 5], [2, 5, 5]], partitions: [partitionSchedule(1, { setModuleSchedule: true }), partitionSchedule(2)] }),
      moduleSchedule({
        id: 2,
        initial: false,
        majorFrame: 10,
        windows: [[1, 0, 5], [2, 5, 5]],
        partitions: [partitionSchedule(1, { action: "WARM_START" }), partitionSchedule(2, { action: "IDLE" })],
      }),
    ]);
    const pending = requestScheduleChange(set, initialScheduleState(set), partitionId(1), 2, nanos(3)).state;
    const switched = decideModule(set, pending, nanos(10)).switched;
    const modes = (switched?.actions ?? []).map((a) => {
      const r = applyPartitionAction({ mode: "NORMAL", startCondition: "NORMAL_START" }, a.action, "scheduleChange");
      return `${a.partition}:${r.mode}/${r.startCondition}`;
    });
    expect(modes).to.deep.equal(["1:WARM_START/PARTITION_RESTART", "2:IDLE/NORMAL_START"]);
  });
});
