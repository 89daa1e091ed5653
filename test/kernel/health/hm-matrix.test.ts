// HM suites driven by XML variants: one module per (system state x error code x level x action), each
// run through the module runner with a scripted partition that raises the error in that state, then
// checked for the resulting mode, the HM log entry and the trace event. Every table (System_HM_Table
// level, Module_HM_Table action, Partition_HM_Table action) is exercised in every partition state
// (PARTITION_INIT, PROCESS_MANAGEMENT, PROCESS_EXECUTION, ERROR_HANDLER).
import { expect } from "chai";
import type { ErrorCode } from "../../../kernel/config/model";
import { validateText } from "../../../kernel/config/load";
import type { CpuExit } from "../../../kernel/cpu/exit";
import { SystemState } from "../../../kernel/health/system-state";
import { nanos, type Nanos } from "../../../kernel/mem/types";
import { ModuleRunner } from "../../../kernel/module/module-runner";
import type { ErrorHandlerState, KernelApi, PartitionVm, ServiceResult, VmSlice } from "../../../kernel/module/partition-vm";
import type { OperatingMode } from "../../../kernel/partition/partition-mode";
import { MemoryTracer } from "../../../kernel/trace/tracer";

/** How the scripted partition produces its error. */
type Trigger = { readonly kind: "fault"; readonly vector: number } | { readonly kind: "serviceError" } | { readonly kind: "guest"; readonly code: ErrorCode };

interface Plan {
  readonly normal: boolean;
  readonly handler: ErrorHandlerState;
  readonly trigger: Trigger;
}

const EIP = 0x0040_1234;

/** Goes NORMAL (when planned) with one hypercall, then raises its error once; afterwards only burns cycles. */
class HmVm implements PartitionVm {
  private step = 0;
  private fired = false;
  upcalls = 0;
  readonly restarts: string[] = [];
  constructor(private readonly plan: Plan) {}
  run(budget: number, _now: Nanos): VmSlice {
    if (this.fired) return { exit: { kind: "budget" }, cycles: budget };
    this.step++;
    if (this.step === 1 && this.plan.normal) return { exit: { kind: "hypercall", vector: 0x82 }, cycles: 1 };
    this.fired = true;
    const t = this.plan.trigger;
    const exit: CpuExit = t.kind === "fault" ? { kind: "fault", vector: t.vector, errorCode: undefined, eip: EIP, cr2: undefined } : { kind: "hypercall", vector: 0x82 };
    return { exit, cycles: 1 };
  }
  serviceHypercall(_vector: number, k: KernelApi): ServiceResult {
    if (!this.fired) {
      k.setPartitionMode(3);
      return { kind: "resume", cycles: 0 };
    }
    const t = this.plan.trigger;
    if (t.kind === "serviceError") return { kind: "error", fault: "memoryViolation", message: "bad pointer" };
    if (t.kind === "guest") k.raiseGuestError({ code: t.code, message: "from the RTOS", failedAddress: EIP, noHandler: false });
    return { kind: "resume", cycles: 0 };
  }
  errorHandler(): { readonly state: ErrorHandlerState; readonly deliverable: boolean } {
    return { state: this.plan.handler, deliverable: true };
  }
  raiseHmUpcall(): void {
    this.upcalls++;
  }
  restart(mode: "COLD_START" | "WARM_START"): void {
    this.restarts.push(mode);
  }
  instructionBytes(): Uint8Array {
    return Uint8Array.of(0x90);
  }
}

type Outcome = { readonly level: "PARTITION"; readonly action: "IGNORE" | "IDLE" | "WARM_START" | "COLD_START" } | { readonly level: "MODULE"; readonly action: "IGNORE" | "SHUTDOWN" | "RESET" } | { readonly level: "PROCESS" };

const ERROR_ID = 42;

/** The module XML of one variant: a System_HM_Table entry for the state, and the action in the table the level picks. */
function variantXml(state: number, code: ErrorCode, o: Outcome): string {
  const moduleTable = o.level === "MODULE" ? `<Module_HM_Table><System_State_Entry SystemState="${state}"><Error_ID_Action ErrorIdentifier="${ERROR_ID}" Action="${o.action}"/></System_State_Entry></Module_HM_Table>` : "";
  const partitionTable = o.level === "PARTITION" ? `<Partition_HM_Table PartitionIdentifier="1"><System_State_Entry SystemState="${state}"><Error_ID_Action ErrorIdentifier="${ERROR_ID}" Action="${o.action}"/></System_State_Entry></Partition_HM_Table>` : "";
  return `<?xml version="1.0"?>
<ARINC_653_Module ModuleName="hm_variant">
  <System_HM_Table><System_State_Entry SystemState="${state}"><Error_ID_Level ErrorIdentifier="${ERROR_ID}" ErrorLevel="${o.level}" ErrorCode="${code}"/></System_State_Entry></System_HM_Table>
  ${moduleTable}
  <Partition PartitionIdentifier="1" PartitionName="p"/>
  <Module_Schedule MajorFrameSeconds="0.000001">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.000001" PeriodDurationSeconds="0.000001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.000001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
  ${partitionTable}
</ARINC_653_Module>`;
}

/** The partition states and how the scripted partition reaches them. */
const STATES: readonly { readonly state: number; readonly name: string; readonly plan: (t: Trigger) => Plan; readonly mode: OperatingMode }[] = [
  { state: SystemState.PARTITION_INIT, name: "PARTITION_INIT", plan: (t) => ({ normal: false, handler: "none", trigger: t }), mode: "COLD_START" },
  { state: SystemState.PROCESS_MANAGEMENT, name: "PROCESS_MANAGEMENT", plan: () => ({ normal: true, handler: "ready", trigger: { kind: "serviceError" } }), mode: "NORMAL" },
  { state: SystemState.PROCESS_EXECUTION, name: "PROCESS_EXECUTION", plan: (t) => ({ normal: true, handler: "ready", trigger: t }), mode: "NORMAL" },
  { state: SystemState.ERROR_HANDLER, name: "ERROR_HANDLER", plan: (t) => ({ normal: true, handler: "running", trigger: t }), mode: "NORMAL" },
];

/** Error sources: kernel-detected faults and codes the RTOS reports, with the code each must keep. */
const SOURCES: readonly { readonly trigger: Trigger; readonly code: ErrorCode }[] = [
  { trigger: { kind: "fault", vector: 14 }, code: "MEMORY_VIOLATION" },
  { trigger: { kind: "fault", vector: 0 }, code: "NUMERIC_ERROR" },
  { trigger: { kind: "fault", vector: 6 }, code: "ILLEGAL_REQUEST" },
  { trigger: { kind: "fault", vector: 12 }, code: "STACK_OVERFLOW" },
  { trigger: { kind: "fault", vector: 8 }, code: "HARDWARE_FAULT" },
  { trigger: { kind: "guest", code: "DEADLINE_MISSED" }, code: "DEADLINE_MISSED" },
  { trigger: { kind: "guest", code: "APPLICATION_ERROR" }, code: "APPLICATION_ERROR" },
  { trigger: { kind: "guest", code: "STACK_OVERFLOW" }, code: "STACK_OVERFLOW" },
  { trigger: { kind: "guest", code: "POWER_FAILURE" }, code: "POWER_FAILURE" },
];

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

/** What must follow: the logged action and the partition's mode (or a shutdown). */
function expected(o: Outcome, state: number, before: OperatingMode, trigger: Trigger): { action: string; mode: OperatingMode | "shutdown"; restarts: string[]; upcalls: number } {
  const handlerReachable = state === SystemState.PROCESS_EXECUTION || state === SystemState.PROCESS_MANAGEMENT;
  switch (o.level) {
    case "PROCESS":
      // No handler in partition init; none for errors of the handler itself: the partition table (empty) decides by default.
      if (!handlerReachable) return { action: `PARTITION:${state === SystemState.PARTITION_INIT ? "IDLE" : "COLD_START"}`, mode: state === SystemState.PARTITION_INIT ? "IDLE" : "COLD_START", restarts: state === SystemState.PARTITION_INIT ? [] : ["COLD_START"], upcalls: 0 };
      // A kernel-detected fault reaches the handler through the HM upcall; an RTOS-reported error is queued by the RTOS.
      return { action: "PROCESS:ERROR_HANDLER", mode: before, restarts: [], upcalls: trigger.kind === "guest" ? 0 : 1 };
    case "MODULE":
      if (o.action === "SHUTDOWN") return { action: "MODULE:SHUTDOWN", mode: "shutdown", restarts: [], upcalls: 0 };
      if (o.action === "RESET") return { action: "MODULE:RESET", mode: "COLD_START", restarts: ["COLD_START"], upcalls: 0 };
      return { action: "MODULE:IGNORE", mode: before, restarts: [], upcalls: 0 };
    case "PARTITION":
      if (o.action === "IGNORE") return { action: "PARTITION:IGNORE", mode: before, restarts: [], upcalls: 0 };
      if (o.action === "IDLE") return { action: "PARTITION:IDLE", mode: "IDLE", restarts: [], upcalls: 0 };
      // A warm start is no restart for a partition still in its cold start: it stays a cold start.
      if (o.action === "WARM_START" && before === "COLD_START") return { action: "PARTITION:WARM_START", mode: "COLD_START", restarts: ["COLD_START"], upcalls: 0 };
      return { action: `PARTITION:${o.action}`, mode: o.action, restarts: [o.action], upcalls: 0 };
    default: {
      const unreachable: never = o;
      throw new Error(`unhandled outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

function runVariant(state: (typeof STATES)[number], source: (typeof SOURCES)[number], o: Outcome) {
  const plan = state.plan(source.trigger);
  const code = plan.trigger.kind === "serviceError" ? "MEMORY_VIOLATION" : source.code;
  const loaded = validateText(variantXml(state.state, code, o), "variant.xml");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
  const vm = new HmVm(plan);
  const tracer = new MemoryTracer(new Set(["hmEvent"]));
  const runner = new ModuleRunner({ config: loaded.config, createVm: () => vm, trace: tracer, onConsoleLine: () => undefined });
  const r = runner.runUntil(nanos(5_000));
  return { r, vm, tracer, code };
}

describe("kernel/health HM suites from XML variants (state x code x level x action)", () => {
  for (const state of STATES) {
    for (const [i, o] of OUTCOMES.entries()) {
      const sources = state.state === SystemState.PROCESS_EXECUTION ? SOURCES : [SOURCES[i % SOURCES.length] ?? SOURCES[0]!];
      for (const source of sources) {
        const t = source.trigger;
        const how = t.kind === "fault" ? `fault vector ${t.vector}` : t.kind === "guest" ? `RTOS reports ${t.code}` : "service error";
        const what = o.level === "PROCESS" ? "PROCESS" : `${o.level}:${o.action}`;
        it(`${state.name}: ${how} at ${what}`, () => {
          const { r, vm, tracer, code } = runVariant(state, source, o);
          const want = expected(o, state.state, state.mode, state.plan(source.trigger).trigger);
          const entry = r.hmLog[0];
          const level = o.level === "PROCESS" && want.action !== "PROCESS:ERROR_HANDLER" ? "PROCESS" : o.level;
          expect(entry, "HM log entry").to.include({ systemState: state.state, errorId: ERROR_ID, errorCode: code, level, action: want.action });
          expect(tracer.events[0], "trace event").to.include({ kind: "hmEvent", systemState: state.state, errorId: ERROR_ID, errorCode: code, level, action: want.action });
          if (want.mode === "shutdown") expect(r.end.kind).to.equal("shutdown");
          else expect(r.partitions[0]?.mode, "mode").to.equal(want.mode);
          expect(vm.restarts, "restarts").to.deep.equal(want.restarts);
          expect(vm.upcalls, "HM upcalls").to.equal(want.upcalls);
        });
      }
    }
  }
});

describe("kernel/health HM upcall queue", () => {
  /** Faults on every run once NORMAL; never takes its records (GET_ERROR_STATUS is never called). */
  class FaultingVm extends HmVm {
    override run(budget: number, now: Nanos): VmSlice {
      const s = super.run(budget, now);
      return s.exit.kind === "budget" ? { exit: { kind: "fault", vector: 14, errorCode: undefined, eip: EIP, cr2: undefined }, cycles: 1 } : s;
    }
  }

  it("reports an error that finds the record queue full at partition level instead of dropping it", () => {
    const loaded = validateText(variantXml(SystemState.PROCESS_EXECUTION, "MEMORY_VIOLATION", { level: "PROCESS" }), "queue.xml");
    if (!loaded.ok) throw new Error("variant does not validate");
    const vm = new FaultingVm({ normal: true, handler: "ready", trigger: { kind: "fault", vector: 14 } });
    const runner = new ModuleRunner({ config: loaded.config, createVm: () => vm, trace: new MemoryTracer(), onConsoleLine: () => undefined });
    const r = runner.runUntil(nanos(5_000));
    expect(vm.upcalls).to.equal(16);
    expect(r.hmLog.slice(0, 16).every((e) => e.action === "PROCESS:ERROR_HANDLER")).to.equal(true);
    expect(r.hmLog[16]).to.include({ level: "PROCESS", action: "PARTITION:COLD_START" });
    expect(r.hmLog[16]?.message).to.match(/error handler queue full/);
  });
});
