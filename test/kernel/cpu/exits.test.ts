import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { buildGuest, loadElf, toolchain } from "./guest-build";

const BASE = 0x10000;

function pv(code: number[]): Cpu {
  const mem = new PhysicalMemory(0x100000);
  mem.writeBytes(guestPhys(BASE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, hypercallVectors: new Set([0x80]), exceptionsExit: true });
  cpu.loadFlat32({ codeSelector: 0x18, dataSelector: 0x20, cpl: 3 });
  cpu.eip = BASE;
  cpu.esp = 0x80000;
  return cpu;
}

describe("kernel/cpu exits (PV partition model)", () => {
  it("INT n on a hypercall vector at CPL 3 exits with EIP after the INT and nothing pushed", () => {
    const cpu = pv([0xb8, 7, 0, 0, 0, 0xcd, 0x80, 0x40]);
    expect(cpu.run(100)).to.deep.equal({ kind: "hypercall", vector: 0x80 });
    expect(cpu.eip).to.equal(BASE + 7);
    expect(cpu.esp).to.equal(0x80000);
    expect(cpu.cycles).to.equal(2);
    expect(cpu.run(1).kind).to.equal("budget");
    expect(cpu.eax).to.equal(8);
  });

  it("decides a hypercall vector from a table made at construction, never asking the Set on an INT", () => {
    const mem = new PhysicalMemory(0x100000);
    mem.writeBytes(guestPhys(BASE), new Uint8Array([0xcd, 0x80, 0xcd, 0x80]));
    let asked = 0;
    class CountingSet extends Set<number> {
      override has(v: number): boolean {
        asked++;
        return super.has(v);
      }
    }
    const cpu = new Cpu({ memory: mem, io: NO_PORTS, hypercallVectors: new CountingSet([0x80]), exceptionsExit: true });
    cpu.loadFlat32({ codeSelector: 0x18, dataSelector: 0x20, cpl: 3 });
    cpu.eip = BASE;
    cpu.esp = 0x80000;
    const first = cpu.run(100);
    expect(first).to.deep.equal({ kind: "hypercall", vector: 0x80 });
    expect(cpu.run(100), "the same preallocated exit record").to.equal(first);
    expect(asked).to.equal(0);
  });

  it("privileged instructions at CPL 3 exit as #GP(0) at the faulting instruction", () => {
    for (const code of [[0xfa], [0xf4], [0x0f, 0x22, 0xd8], [0xe6, 0x80], [0x0f, 0x01, 0x15, 0, 0, 0, 0]]) {
      const cpu = pv([0x90, ...code]);
      expect(cpu.run(100)).to.deep.equal({ kind: "fault", vector: 13, errorCode: 0, eip: BASE + 1, cr2: undefined });
      expect(cpu.eip).to.equal(BASE + 1);
    }
  });

  it("a user page fault exits with CR2 and the U/S error code bit", () => {
    const cpu = pv([0xa1, 0x00, 0x00, 0x40, 0x00]); // mov eax,[0x400000]
    // paging: identity 4 MiB page for user at 0, nothing at 4 MiB
    const pd = 0x20000;
    cpu.mem.write32(guestPhys(pd), 0x87);
    cpu.cr4 = 0x10;
    cpu.cr3 = pd;
    cpu.cr0 |= 0x80000000;
    cpu.flushTlb();
    expect(cpu.run(100)).to.deep.equal({ kind: "fault", vector: 14, errorCode: 4, eip: BASE, cr2: 0x400000 });
  });

  it("an undefined opcode exits as #UD and an out-of-range read gives all-ones", () => {
    expect(pv([0x0f, 0xff]).run(10)).to.deep.equal({ kind: "fault", vector: 6, errorCode: undefined, eip: BASE, cr2: undefined });
    const cpu = pv([0xa1, 0, 0, 0, 0x40, 0xf4]); // mov eax,[0x40000000] beyond RAM
    expect(cpu.run(1).kind).to.equal("budget");
    expect(cpu.eax).to.equal(0xffffffff);
    expect(cpu.mem.outOfRangeAccesses).to.equal(1);
  });
});

describe("kernel/cpu gcc-built workload", function () {
  before(function () {
    if (!toolchain()) {
      console.log("    (skipped: no i386 toolchain on this machine)");
      this.skip();
    }
  });
  // Checksums computed from the same C file built natively for the host.
  for (const opt of ["O0", "O2", "Os"]) {
    it(`runs the mixed integer workload built at -${opt} to the host's checksum`, () => {
      const mem = new PhysicalMemory(8 * 1024 * 1024);
      const cpu = new Cpu({ memory: mem, io: NO_PORTS });
      cpu.eip = loadElf(mem, buildGuest(["workload.c"], opt, ["-DITERATIONS=3"]));
      let e;
      do e = cpu.run(1_000_000); while (e.kind === "budget");
      expect(e.kind).to.equal("halt");
      expect(cpu.eax).to.equal(2460412477);
    });
  }
});
