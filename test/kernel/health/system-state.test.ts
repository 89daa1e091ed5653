import { expect } from "chai";
import { ERROR_CODE_VALUES, errorCodeOfFault, partitionSystemState, SystemState, type KernelFault } from "../../../kernel/health/system-state";

describe("kernel/health/system-state", () => {
  it("numbers the system states 1..7 in the standard's order, without gaps", () => {
    expect(Object.entries(SystemState)).to.deep.equal([
      ["MODULE_INIT", 1],
      ["SYSTEM_FUNCTION", 2],
      ["PARTITION_SWITCH", 3],
      ["PARTITION_INIT", 4],
      ["PROCESS_MANAGEMENT", 5],
      ["PROCESS_EXECUTION", 6],
      ["ERROR_HANDLER", 7],
    ]);
  });

  const states = [
    ["COLD_START", "code", SystemState.PARTITION_INIT],
    ["WARM_START", "code", SystemState.PARTITION_INIT],
    ["NORMAL", "code", SystemState.PROCESS_EXECUTION],
    ["NORMAL", "errorHandler", SystemState.ERROR_HANDLER],
    ["COLD_START", "errorHandler", SystemState.PARTITION_INIT],
    ["COLD_START", "hypercall", SystemState.PROCESS_MANAGEMENT],
    ["NORMAL", "hypercall", SystemState.PROCESS_MANAGEMENT],
  ] as const;
  for (const [mode, context, state] of states) {
    it(`${mode} running ${context} is state ${state}`, () => expect(partitionSystemState(mode, context)).to.equal(state));
  }

  const faults: Record<KernelFault, string> = {
    memoryViolation: "MEMORY_VIOLATION",
    privilegedInstruction: "ILLEGAL_REQUEST",
    invalidOpcode: "ILLEGAL_REQUEST",
    illegalRequest: "ILLEGAL_REQUEST",
    numericError: "NUMERIC_ERROR",
    stackOverflow: "STACK_OVERFLOW",
    deadlineMissed: "DEADLINE_MISSED",
    hardwareFault: "HARDWARE_FAULT",
    powerFailure: "POWER_FAILURE",
  };
  for (const [f, c] of Object.entries(faults) as [KernelFault, string][]) {
    it(`fault ${f} -> ${c}`, () => expect(errorCodeOfFault(f)).to.equal(c));
  }

  it("numbers ERROR_CODE_TYPE in declaration order", () => {
    expect(Object.values(ERROR_CODE_VALUES)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
