import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { MSR } from "../../../kernel/cpu/msr";
import { IoBus } from "../../../kernel/devices/io-bus";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { parseCpuState } from "../../../kernel/snapshot/cpu-codec";

function cpuWithApic(): Cpu {
  return new Cpu({ memory: new PhysicalMemory(1 << 20), io: new IoBus(), apicBase: { apicBaseChanged: () => undefined } });
}

describe("kernel/snapshot/cpu-codec: msrs", () => {
  it("round-trips the MSRs a guest wrote, and a state without msrs keeps their reset values", () => {
    const cpu = cpuWithApic();
    expect(cpu.msrs.write(MSR.SYSENTER_CS, 0x10, 0, 0)).to.equal(true);
    expect(cpu.msrs.write(MSR.SYSENTER_EIP, 0xc0001000, 0, 0)).to.equal(true);
    expect(cpu.msrs.write(MSR.TSC, 0x1234, 0, 0)).to.equal(true);
    const saved = JSON.parse(JSON.stringify(cpu.saveState())) as unknown;
    const parsed = parseCpuState(saved);
    if (!parsed.ok) throw new Error(parsed.error);
    const other = cpuWithApic();
    other.restoreState(parsed.state);
    expect(other.msrs.read(MSR.SYSENTER_CS, 0)).to.deep.equal({ lo: 0x10, hi: 0 });
    expect(other.msrs.read(MSR.SYSENTER_EIP, 0)).to.deep.equal({ lo: 0xc0001000, hi: 0 });
    expect(other.msrs.read(MSR.TSC, 0)).to.deep.equal({ lo: 0x1234, hi: 0 });
    const { msrs: _gone, ...old } = saved as Record<string, unknown>;
    const before = parseCpuState(old);
    expect(before.ok && before.state.msrs).to.equal(undefined);
  });

  it("refuses an msrs field WRMSR could not have left, naming the field", () => {
    const saved = JSON.parse(JSON.stringify(cpuWithApic().saveState())) as Record<string, Record<string, unknown>>;
    const bad = (field: string, value: unknown): string => {
      const r = parseCpuState({ ...saved, msrs: { ...saved["msrs"], [field]: value } });
      return r.ok ? "accepted" : r.error;
    };
    expect(bad("patLo", 0x02020202)).to.match(/^cpu\.msrs\.patLo:/); // memory type 2 is undefined
    expect(bad("apicBase", 0xfee00801)).to.match(/^cpu\.msrs\.apicBase:/); // reserved bit 0
    expect(bad("tscOffset", "-1")).to.match(/^cpu\.msrs\.tscOffset:/);
    expect(bad("sysenterEsp", "x")).to.match(/^cpu\.msrs\.sysenterEsp:/);
    expect(parseCpuState({ ...saved, msrs: 7 }).ok).to.equal(false);
  });
});
