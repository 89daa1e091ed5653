import { expect } from "chai";
import type { ErrorCode, ErrorLevel, ModuleAction, PartitionAction } from "../../../kernel/config/model";
import { compileHmTables, decideHm, describeAction, type HmError, type HmInput } from "../../../kernel/health/hm-decision";
import { SystemState as S, type KernelFault } from "../../../kernel/health/system-state";
import { nanos, partitionId } from "../../../kernel/mem/types";
import { POS, systemConfig } from "../../support/config-fixtures";
import { Prng } from "../../support/prng";

const sys = (systemState: number, errorId: number, level: ErrorLevel, errorCode?: ErrorCode) => ({ systemState, errorId, level, errorCode, pos: POS });
const mod = (systemState: number, errorId: number, action: ModuleAction) => ({ systemState, errorId, action, pos: POS });
const part = (systemState: number, errorId: number, action: PartitionAction) => ({ systemState, errorId, action, pos: POS });

const TABLES = compileHmTables(
  systemConfig({
    systemHm: [
      sys(S.PROCESS_EXECUTION, 10, "PROCESS", "APPLICATION_ERROR"),
      sys(S.PROCESS_EXECUTION, 14, "PARTITION", "MEMORY_VIOLATION"),
      sys(S.PROCESS_EXECUTION, 11, "PARTITION", "MEMORY_VIOLATION"),
      sys(S.PROCESS_EXECUTION, 12, "MODULE", "HARDWARE_FAULT"),
      sys(S.PROCESS_EXECUTION, 13, "PARTITION"),
      sys(S.PROCESS_EXECUTION, 15, "MODULE"),
      sys(S.PROCESS_EXECUTION, 16, "PROCESS", "NUMERIC_ERROR"),
      sys(S.PROCESS_EXECUTION, 17, "MODULE"),
      sys(S.ERROR_HANDLER, 10, "PROCESS", "APPLICATION_ERROR"),
      sys(S.PARTITION_INIT, 11, "PARTITION", "MEMORY_VIOLATION"),
      sys(S.SYSTEM_FUNCTION, 20, "MODULE", "POWER_FAILURE"),
      sys(S.SYSTEM_FUNCTION, 21, "PARTITION", "ILLEGAL_REQUEST"),
    ],
    moduleHm: [mod(S.PROCESS_EXECUTION, 12, "IGNORE"), mod(S.PROCESS_EXECUTION, 15, "RESET"), mod(S.SYSTEM_FUNCTION, 20, "SHUTDOWN")],
    partitionHm: [
      {
        partition: partitionId(1),
        callback: undefined,
        entries: [
          part(S.PROCESS_EXECUTION, 10, "COLD_START"),
          part(S.PROCESS_EXECUTION, 11, "WARM_START"),
          part(S.PROCESS_EXECUTION, 13, "IDLE"),
          part(S.PROCESS_EXECUTION, 14, "IGNORE"),
          part(S.ERROR_HANDLER, 10, "IDLE"),
          part(S.PARTITION_INIT, 11, "COLD_START"),
        ],
      },
    ],
  }),
);

const code = (c: ErrorCode): HmError => ({ kind: "code", code: c });
const fault = (f: KernelFault): HmError => ({ kind: "fault", fault: f });

type Row = readonly [
  what: string,
  input: { error: HmError; errorId?: number; state: number; partition?: number; handler?: boolean },
  expected: [level: ErrorLevel, action: string, errorId: number, levelFrom: string, actionFrom: string],
];

const ROWS: readonly Row[] = [
  // Every level x every action from the tables.
  ["PROCESS level with a handler", { error: code("APPLICATION_ERROR"), state: S.PROCESS_EXECUTION, partition: 1, handler: true }, ["PROCESS", "PROCESS:ERROR_HANDLER", 10, "table", "handler"]],
  ["PROCESS level without handler -> partition table", { error: code("APPLICATION_ERROR"), state: S.PROCESS_EXECUTION, partition: 1 }, ["PROCESS", "PARTITION:COLD_START", 10, "table", "table"]],
  ["PROCESS level raised in the handler -> partition table", { error: code("APPLICATION_ERROR"), state: S.ERROR_HANDLER, partition: 1, handler: true }, ["PROCESS", "PARTITION:IDLE", 10, "table", "table"]],
  ["PARTITION level, WARM_START", { error: fault("memoryViolation"), state: S.PROCESS_EXECUTION, partition: 1 }, ["PARTITION", "PARTITION:WARM_START", 11, "table", "table"]],
  ["PARTITION level, IDLE (explicit id, no code)", { error: code("ILLEGAL_REQUEST"), errorId: 13, state: S.PROCESS_EXECUTION, partition: 1 }, ["PARTITION", "PARTITION:IDLE", 13, "table", "table"]],
  ["PARTITION level, IGNORE", { error: code("MEMORY_VIOLATION"), errorId: 14, state: S.PROCESS_EXECUTION, partition: 1 }, ["PARTITION", "PARTITION:IGNORE", 14, "table", "table"]],
  ["PARTITION level, COLD_START in init", { error: fault("memoryViolation"), state: S.PARTITION_INIT, partition: 1 }, ["PARTITION", "PARTITION:COLD_START", 11, "table", "table"]],
  ["MODULE level, IGNORE", { error: fault("hardwareFault"), state: S.PROCESS_EXECUTION, partition: 1 }, ["MODULE", "MODULE:IGNORE", 12, "table", "table"]],
  ["MODULE level, RESET", { error: code("HARDWARE_FAULT"), errorId: 15, state: S.PROCESS_EXECUTION, partition: 2 }, ["MODULE", "MODULE:RESET", 15, "table", "table"]],
  ["MODULE level, SHUTDOWN", { error: fault("powerFailure"), state: S.SYSTEM_FUNCTION }, ["MODULE", "MODULE:SHUTDOWN", 20, "table", "table"]],
  // Missing entries: defaults.
  ["no partition table -> COLD_START", { error: fault("memoryViolation"), state: S.PROCESS_EXECUTION, partition: 2 }, ["PARTITION", "PARTITION:COLD_START", 11, "table", "default"]],
  ["no partition entry in init -> IDLE", { error: fault("memoryViolation"), state: S.PARTITION_INIT, partition: 2 }, ["PARTITION", "PARTITION:IDLE", 11, "table", "default"]],
  ["no module entry after init -> RESET", { error: code("HARDWARE_FAULT"), errorId: 17, state: S.PROCESS_EXECUTION, partition: 2, handler: true }, ["MODULE", "MODULE:RESET", 17, "table", "default"]],
  ["MODULE level ignores the error handler", { error: code("HARDWARE_FAULT"), state: S.PROCESS_EXECUTION, partition: 2, handler: true }, ["MODULE", "MODULE:IGNORE", 12, "table", "table"]],
  ["no system entry, partition code -> PARTITION / COLD_START", { error: fault("stackOverflow"), state: S.PROCESS_EXECUTION, partition: 1 }, ["PARTITION", "PARTITION:COLD_START", 4, "default", "default"]],
  ["no system entry, privileged instruction -> ILLEGAL_REQUEST id 3", { error: fault("privilegedInstruction"), state: S.PROCESS_EXECUTION, partition: 1 }, ["PARTITION", "PARTITION:COLD_START", 3, "default", "default"]],
  ["no system entry, deadline missed with handler -> PROCESS", { error: fault("deadlineMissed"), state: S.PROCESS_EXECUTION, partition: 1, handler: true }, ["PROCESS", "PROCESS:ERROR_HANDLER", 0, "default", "handler"]],
  ["no system entry, application error in init without handler", { error: code("APPLICATION_ERROR"), state: S.PARTITION_INIT, partition: 1 }, ["PROCESS", "PARTITION:IDLE", 1, "default", "default"]],
  ["no system entry, hypercall service -> PARTITION", { error: fault("memoryViolation"), state: S.PROCESS_MANAGEMENT, partition: 2 }, ["PARTITION", "PARTITION:COLD_START", 5, "default", "default"]],
  ["no system entry, module init -> MODULE / SHUTDOWN", { error: fault("hardwareFault"), state: S.MODULE_INIT }, ["MODULE", "MODULE:SHUTDOWN", 6, "default", "default"]],
  ["no system entry, module exec -> MODULE / RESET", { error: fault("numericError"), state: S.SYSTEM_FUNCTION }, ["MODULE", "MODULE:RESET", 2, "default", "default"]],
  ["no system entry, kernel context charged to a partition -> MODULE", { error: fault("numericError"), state: S.SYSTEM_FUNCTION, partition: 1 }, ["MODULE", "MODULE:RESET", 2, "default", "default"]],
  ["PARTITION level without partition context escalates to MODULE", { error: code("ILLEGAL_REQUEST"), state: S.SYSTEM_FUNCTION }, ["MODULE", "MODULE:RESET", 21, "table", "default"]],
  ["PARTITION level in kernel state, with a partition, stays PARTITION", { error: code("ILLEGAL_REQUEST"), state: S.SYSTEM_FUNCTION, partition: 1 }, ["PARTITION", "PARTITION:COLD_START", 21, "table", "default"]],
  ["PROCESS level for a non-process code", { error: fault("numericError"), state: S.PROCESS_EXECUTION, partition: 2, handler: true }, ["PROCESS", "PROCESS:ERROR_HANDLER", 16, "table", "handler"]],
  ["unknown explicit id -> defaults", { error: code("APPLICATION_ERROR"), errorId: 99, state: S.PROCESS_EXECUTION, partition: 1 }, ["PROCESS", "PARTITION:COLD_START", 99, "default", "default"]],
];

describe("kernel/health/hm-decision", () => {
  for (const [what, i, [level, action, errorId, levelFrom, actionFrom]] of ROWS) {
    it(`${what}: ${level} ${action}`, () => {
      const input: HmInput = {
        error: i.error,
        ...(i.errorId === undefined ? {} : { errorId: i.errorId }),
        systemState: i.state,
        partition: i.partition === undefined ? undefined : partitionId(i.partition),
        hasErrorHandler: i.handler ?? false,
        time: nanos(1234),
        message: "boom",
      };
      const d = decideHm(TABLES, input);
      expect([d.level, describeAction(d.action), d.errorId, d.levelFrom, d.actionFrom]).to.deep.equal([level, action, errorId, levelFrom, actionFrom]);
      expect(d.target).to.equal(d.action.kind === "module" ? "module" : input.partition);
      expect(d.logEntry).to.deep.equal({
        time: 1234n,
        partition: input.partition,
        systemState: i.state,
        errorId,
        errorCode: d.errorCode,
        level,
        action,
        message: "boom",
      });
    });
  }

  it("reports the System_HM_Table ErrorCode of the entry, else the detected code", () => {
    const base = { systemState: S.PROCESS_EXECUTION, partition: partitionId(1), hasErrorHandler: true, time: nanos(0) };
    expect(decideHm(TABLES, { ...base, error: code("ILLEGAL_REQUEST"), errorId: 11 }).errorCode).to.equal("MEMORY_VIOLATION");
    expect(decideHm(TABLES, { ...base, error: code("ILLEGAL_REQUEST"), errorId: 13 }).errorCode).to.equal("ILLEGAL_REQUEST");
  });

  it("picks the lowest ErrorIdentifier when several entries name the detected code", () => {
    const d = decideHm(TABLES, { error: code("MEMORY_VIOLATION"), systemState: S.PROCESS_EXECUTION, partition: partitionId(1), hasErrorHandler: false, time: nanos(0) });
    expect(d.errorId).to.equal(11);
  });

  it("refuses duplicate System_HM_Table entries (validator bug)", () => {
    expect(() => compileHmTables(systemConfig({ systemHm: [sys(1, 1, "MODULE"), sys(1, 1, "PARTITION")] }))).to.throw();
  });

  it("property: level and action always agree, whatever the input", () => {
    const rng = new Prng(653);
    const codes: ErrorCode[] = ["DEADLINE_MISSED", "APPLICATION_ERROR", "NUMERIC_ERROR", "ILLEGAL_REQUEST", "STACK_OVERFLOW", "MEMORY_VIOLATION", "HARDWARE_FAULT", "POWER_FAILURE"];
    const faults: KernelFault[] = ["memoryViolation", "privilegedInstruction", "invalidOpcode", "illegalRequest", "numericError", "stackOverflow", "deadlineMissed", "hardwareFault", "powerFailure"];
    for (let i = 0; i < 3000; i++) {
      const input: HmInput = {
        error: rng.chance(1, 2) ? code(rng.pick(codes)) : fault(rng.pick(faults)),
        ...(rng.chance(1, 3) ? { errorId: rng.int(0, 25) } : {}),
        systemState: rng.int(0, 5),
        partition: rng.chance(1, 5) ? undefined : partitionId(rng.int(1, 3)),
        hasErrorHandler: rng.chance(1, 2),
        time: nanos(i),
      };
      const d = decideHm(TABLES, input);
      const ok =
        (d.level === "MODULE") === (d.action.kind === "module") &&
        (input.partition !== undefined || d.action.kind === "module") &&
        (d.action.kind !== "errorHandler" || (d.level === "PROCESS" && input.hasErrorHandler && input.systemState !== S.ERROR_HANDLER)) &&
        (d.level !== "PARTITION" || d.action.kind === "partition") &&
        d.logEntry.action === describeAction(d.action);
      if (!ok) throw new Error(`inconsistent decision for ${JSON.stringify({ ...input, time: i })}: ${describeAction(d.action)} at ${d.level}`);
      expect(decideHm(TABLES, input)).to.deep.equal(d);
    }
  });
});
