// The trap path's fixed tables and reused records: costs and permissions by id agree with the tables by
// name, dispatch answers into the caller's record without making a new result per call, out-structs are
// zeroed when their buffer is reused, and the quiet services touch neither guest memory nor timers.
import { expect } from "chai";
import type { Cpu } from "../../../kernel/cpu/cpu";
import { dispatch, permittedById, type DispatchRecord } from "../../../kernel/hypercall/dispatcher";
import { PvError, SERVICES, ServiceId } from "../../../kernel/hypercall/generated/abi-generated";
import { PV_HANDLERS } from "../../../kernel/hypercall/handlers";
import { OutStruct, ret, type PvCallContext, type PvVcpuState } from "../../../kernel/hypercall/pv-call";
import { isQuietService } from "../../../kernel/hypercall/quiet-services";
import { serviceCost, serviceCostById, TRAP_BASE_CYCLES } from "../../../kernel/hypercall/service-costs";
import type { KernelApi } from "../../../kernel/module/partition-vm";

/** A call context whose vCPU holds only EAX: enough for services without arguments. */
function context(eax: number, notices: string[]): PvCallContext {
  const cpu = { eax } as unknown as Cpu;
  const kernel = { notice: (t: string) => notices.push(t) } as unknown as KernelApi;
  const vcpu = { partition: { name: "P1" }, logged: new Set<string>() } as unknown as PvVcpuState;
  return { cpu, kernel, vcpu, copied: 0 };
}

describe("kernel/hypercall: the trap path", () => {
  it("charges by id exactly what serviceCost charges by name, and the base alone for a refused call", () => {
    for (const s of SERVICES) for (const bytes of [0, 1, 8, 4096]) expect(serviceCostById(s.id, bytes), s.name).to.equal(serviceCost(s.key, bytes));
    expect(serviceCostById(-1, 0)).to.equal(TRAP_BASE_CYCLES);
    expect(serviceCostById(-1, 0)).to.equal(serviceCost(undefined, 0));
  });

  it("serves the null service into the caller's record and answers with the same result object each time", () => {
    const notices: string[] = [];
    const record: DispatchRecord = { service: undefined };
    const permitted = permittedById(new Set([ServiceId.Null]));
    const first = dispatch(context(ServiceId.Null, notices), PV_HANDLERS, permitted, record);
    expect(record.service?.key).to.equal("null");
    const second = dispatch(context(ServiceId.Null, notices), PV_HANDLERS, permitted, record);
    expect(second).to.equal(first);
    expect(second).to.deep.equal({ kind: "return", value: PvError.OK });
    expect(notices).to.deep.equal([]);
  });

  it("reads the handlers object once per table, not once per call, and follows a new handlers object", () => {
    const notices: string[] = [];
    const record: DispatchRecord = { service: undefined };
    const permitted = permittedById(new Set([ServiceId.Null]));
    let reads = 0;
    const counted = new Proxy(PV_HANDLERS, {
      get: (target, key, receiver) => {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    dispatch(context(ServiceId.Null, notices), counted, permitted, record);
    const afterFirst = reads;
    expect(afterFirst).to.be.greaterThan(0);
    for (let i = 0; i < 3; i++) dispatch(context(ServiceId.Null, notices), counted, permitted, record);
    expect(reads, "no property read by name on later calls").to.equal(afterFirst);
    const other = { ...PV_HANDLERS, null: () => ret(7) };
    expect(dispatch(context(ServiceId.Null, notices), other, permitted, record)).to.deep.equal({ kind: "return", value: 7 });
    expect(dispatch(context(ServiceId.Null, notices), PV_HANDLERS, permitted, record)).to.deep.equal({ kind: "return", value: PvError.OK });
  });

  it("refuses an id the table does not permit with ENOSYS and clears the record", () => {
    const notices: string[] = [];
    const record: DispatchRecord = { service: SERVICES[0] };
    const r = dispatch(context(ServiceId.Null, notices), PV_HANDLERS, permittedById(new Set([ServiceId.TimeGet])), record);
    expect(r).to.deep.equal({ kind: "return", value: PvError.ENOSYS });
    expect(record.service).to.equal(undefined);
    expect(notices).to.have.length(1);
  });

  it("keeps ret() values exact inside and outside the shared range", () => {
    for (const v of [-129, -128, -1, 0, 1, 4096, 4097, 0xffffffff, 2.5]) expect(ret(v)).to.deep.equal({ kind: "return", value: v });
    expect(ret(PvError.EFAULT)).to.equal(ret(PvError.EFAULT));
  });

  it("zeroes a reused out-struct buffer", () => {
    const a = new OutStruct(12).u32(0, 0xdeadbeef).u32(8, 7);
    expect(Array.from(a.bytes.subarray(0, 4))).to.deep.equal([0xef, 0xbe, 0xad, 0xde]);
    const b = new OutStruct(12).u32(4, 1);
    expect(Array.from(b.bytes)).to.deep.equal([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("calls a service quiet only when it takes no pointer and is not a resolver, timer, ioreq or HM callback service", () => {
    const loud = new Set(["resolve", "timerSetPeriodic", "timerSetOneshot", "hmCallbackReturn", "idle"]);
    for (const s of SERVICES) {
      if (!isQuietService(s.id)) continue;
      expect(s.args.some((a) => a.kind === "ptr" || a.kind === "code"), `${s.name} takes a pointer`).to.equal(false);
      expect(loud.has(s.key) || s.key.startsWith("ioreq"), `${s.name} writes memory or timers`).to.equal(false);
    }
    expect(isQuietService(ServiceId.Null)).to.equal(true);
    expect(isQuietService(-1)).to.equal(false);
    expect(isQuietService(1 << 20)).to.equal(false);
  });
});
