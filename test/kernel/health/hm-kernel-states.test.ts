// HM suites for the kernel's own system states (1 module initialization, 2 system-specific function,
// 3 partition switching), whose error source is apx:InjectError. One XML variant per (state x level x
// action), run through the module runner with a quiet scripted partition, checked for the HM log entry,
// the trace event, the resulting mode or shutdown, and the restarts. States 1 and 2 have no partition
// context (every level escalates to MODULE); state 3 is in the context of the partition switched to.
import { expect } from "chai";
import { validateText } from "../../../kernel/config/load";
import { SystemState } from "../../../kernel/health/system-state";
import { nanos, type Nanos } from "../../../kernel/mem/types";
import { ModuleRunner } from "../../../kernel/module/module-runner";
import type { KernelApi, PartitionVm, ServiceResult, VmSlice } from "../../../kernel/module/partition-vm";
import type { OperatingMode } from "../../../kernel/partition/partition-mode";
import { MemoryTracer } from "../../../kernel/trace/tracer";

/** Goes NORMAL with its first hypercall, then only burns cycles (a restarted partition stays in its start mode). */
class QuietVm implements PartitionVm {
  private started = false;
  readonly restarts: string[] = [];
  run(budget: number, _now: Nanos): VmSlice {
    if (this.started) return { exit: { kind: "budget" }, cycles: budget };
    this.started = true;
    return { exit: { kind: "hypercall", vector: 0x82 }, cycles: 1 };
  }
  serviceHypercall(_vector: number, k: KernelApi): ServiceResult {
    k.setPartitionMode(3);
    return { kind: "resume", cycles: 0 };
  }
  restart(mode: "COLD_START" | "WARM_START"): void {
    this.restarts.push(mode);
  }
  instructionBytes(): Uint8Array {
    return Uint8Array.of(0x90);
  }
}

type Outcome = { readonly level: "PARTITION"; readonly action: "IGNORE" | "IDLE" | "WARM_START" | "COLD_START" } | { readonly level: "MODULE"; readonly action: "IGNORE" | "SHUTDOWN" | "RESET" } | { readonly level: "PROCESS" };
const OUTCOMES: readonly Outcome[] = [
  { level: "PARTITION", action: "IGNORE" },
  { level: "PARTITION", action: "IDLE" },
  { level: "PARTITION", action: "WARM_START" },
  { level: "PARTITION", action: "COLD_START" },
  { level: "MODULE", action: "IGNORE" },
  { level: "MODULE", action: "SHUTDOWN" },
  { level: "MODULE", action: "RESET" },
  { level: "PROCESS" },
];
const ERROR_ID = 7;
/** Two major frames of 1 us have passed (the partition is NORMAL) when states 2 and 3 fire. */
const AT_NS = 2_000;

function variantXml(state: number, o: Outcome): string {
  const at = state === SystemState.MODULE_INIT ? "" : ` AtSeconds="0.000002"`;
  const code = state === SystemState.MODULE_INIT ? "POWER_FAILURE" : "HARDWARE_FAULT";
  const moduleTable = o.level === "MODULE" ? `<Module_HM_Table><System_State_Entry SystemState="${state}"><Error_ID_Action ErrorIdentifier="${ERROR_ID}" Action="${o.action}"/></System_State_Entry></Module_HM_Table>` : "";
  const partitionTable = o.level === "PARTITION" ? `<Partition_HM_Table PartitionIdentifier="1"><System_State_Entry SystemState="${state}"><Error_ID_Action ErrorIdentifier="${ERROR_ID}" Action="${o.action}"/></System_State_Entry></Partition_HM_Table>` : "";
  return `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="hm_kernel_state">
  <System_HM_Table><System_State_Entry SystemState="${state}"><Error_ID_Level ErrorIdentifier="${ERROR_ID}" ErrorLevel="${o.level}" ErrorCode="${code}"/></System_State_Entry></System_HM_Table>
  ${moduleTable}
  <Partition PartitionIdentifier="1" PartitionName="p"/>
  <Module_Schedule MajorFrameSeconds="0.000001">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.000001" PeriodDurationSeconds="0.000001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.000001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
  ${partitionTable}
  <apx:Platform><apx:InjectError SystemState="${state}" ErrorCode="${code}"${at}/></apx:Platform>
</ARINC_653_Module>`;
}

interface Want {
  readonly level: string;
  readonly action: string;
  readonly partition: number | undefined;
  readonly mode: OperatingMode | "shutdown";
  readonly restarts: string[];
}

/** What must follow in `state` (the rules of kernel/health/hm-decision.ts, written out per case). */
function expected(state: number, o: Outcome): Want {
  if (state !== SystemState.PARTITION_SWITCH) {
    // No partition context: the level is MODULE whatever the table says; without a Module_HM_Table entry the default applies.
    const action = o.level === "MODULE" ? o.action : state === SystemState.MODULE_INIT ? "SHUTDOWN" : "RESET";
    const mode = action === "SHUTDOWN" ? "shutdown" : action === "RESET" && state !== SystemState.MODULE_INIT ? "COLD_START" : "NORMAL";
    return { level: "MODULE", action: `MODULE:${action}`, partition: undefined, mode, restarts: action === "RESET" ? ["COLD_START"] : [] };
  }
  switch (o.level) {
    case "MODULE":
      return { level: "MODULE", action: `MODULE:${o.action}`, partition: 1, mode: o.action === "SHUTDOWN" ? "shutdown" : o.action === "RESET" ? "COLD_START" : "NORMAL", restarts: o.action === "RESET" ? ["COLD_START"] : [] };
    case "PARTITION": {
      const mode = o.action === "IGNORE" ? "NORMAL" : o.action;
      return { level: "PARTITION", action: `PARTITION:${o.action}`, partition: 1, mode, restarts: o.action === "WARM_START" || o.action === "COLD_START" ? [o.action] : [] };
    }
    case "PROCESS":
      // No error handler outside partition code: the (empty) Partition_HM_Table's default, COLD_START.
      return { level: "PROCESS", action: "PARTITION:COLD_START", partition: 1, mode: "COLD_START", restarts: ["COLD_START"] };
    default: {
      const unreachable: never = o;
      throw new Error(`unhandled outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

const STATES = [
  { state: SystemState.MODULE_INIT, name: "MODULE_INIT", time: 0 },
  { state: SystemState.SYSTEM_FUNCTION, name: "SYSTEM_FUNCTION", time: AT_NS },
  { state: SystemState.PARTITION_SWITCH, name: "PARTITION_SWITCH", time: AT_NS },
] as const;

describe("kernel/health HM suites for system states 1-3 (apx:InjectError)", () => {
  for (const s of STATES) {
    for (const o of OUTCOMES) {
      const what = o.level === "PROCESS" ? "PROCESS" : `${o.level}:${o.action}`;
      it(`${s.name}: table says ${what}`, () => {
        const loaded = validateText(variantXml(s.state, o), "variant.xml");
        if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
        const vm = new QuietVm();
        const tracer = new MemoryTracer(new Set(["hmEvent"]));
        const runner = new ModuleRunner({ config: loaded.config, createVm: () => vm, trace: tracer, onConsoleLine: () => undefined });
        // Stop just after the injection's window (a RESET's restarted partition has not run yet).
        const r = runner.runUntil(nanos(s.time + 500));
        const want = expected(s.state, o);
        const code = s.state === SystemState.MODULE_INIT ? "POWER_FAILURE" : "HARDWARE_FAULT";
        expect(r.hmLog).to.have.length(1);
        expect(r.hmLog[0], "HM log entry").to.include({ time: BigInt(s.time), partition: want.partition, systemState: s.state, errorId: ERROR_ID, errorCode: code, level: want.level, action: want.action });
        expect(tracer.events[0], "trace event").to.include({ kind: "hmEvent", partition: want.partition, systemState: s.state, errorId: ERROR_ID, errorCode: code, level: want.level, action: want.action });
        if (want.mode === "shutdown") expect(r.end.kind).to.equal("shutdown");
        else expect(r.partitions[0]?.mode, "mode").to.equal(want.mode);
        expect(vm.restarts, "restarts").to.deep.equal(want.restarts);
      });
    }
  }

  it("refuses AtSeconds other than 0 for state 1, and states outside 1-3", () => {
    const bad = validateText(variantXml(SystemState.MODULE_INIT, { level: "MODULE", action: "RESET" }).replace('ErrorCode="POWER_FAILURE"/>', 'ErrorCode="POWER_FAILURE" AtSeconds="1"/>'), "bad.xml");
    expect(bad.ok).to.equal(false);
    const four = validateText(variantXml(SystemState.SYSTEM_FUNCTION, { level: "MODULE", action: "RESET" }).replace('<apx:InjectError SystemState="2"', '<apx:InjectError SystemState="4"'), "four.xml");
    expect(four.ok).to.equal(false);
  });
});
