import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS, type PortIo } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, type IoPort } from "../../../kernel/mem/types";
import { CODE_BASE, DATA_BASE, runSnippet, snippetCpu } from "../../support/cpu-harness";
import { bytes, d32, regs, ZERO } from "./snippets";

function machine(code: number[], io: PortIo = NO_PORTS): Cpu {
  const mem = new PhysicalMemory(0x200000);
  mem.writeBytes(guestPhys(CODE_BASE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io });
  cpu.eip = CODE_BASE;
  cpu.esp = 0x80000;
  return cpu;
}

describe("kernel/cpu/cpu run loop", () => {
  it("run(n) executes exactly n instructions in a tight loop, mid-block", () => {
    // loop: inc eax; add ebx,2; jmp loop
    const cpu = machine([0x40, 0x83, 0xc3, 0x02, 0xeb, 0xfa]);
    for (const n of [1, 2, 5, 7, 1000, 33333]) {
      const before = cpu.cycles;
      const e = cpu.run(n);
      expect(e.kind).to.equal("budget");
      expect(cpu.cycles - before).to.equal(n);
    }
    const total = 1 + 2 + 5 + 7 + 1000 + 33333;
    expect(cpu.instructions).to.equal(total);
    // every third instruction is an inc: after `total` instructions the count is deterministic
    expect(cpu.eax).to.equal(Math.floor(total / 3) + (total % 3 >= 1 ? 1 : 0));
    expect(cpu.ebx).to.equal(2 * (Math.floor(total / 3) + (total % 3 >= 2 ? 1 : 0)));
  });

  it("budget splits give the same state as one long run", () => {
    const code = [0xb9, ...d32(1000), 0x01, 0xc8, 0x0f, 0xaf, 0xc1, 0xe2, 0xf9, 0xf4]; // mov ecx,1000; l: add eax,ecx; imul eax,ecx; loop l; hlt
    const a = machine(code);
    const b = machine(code);
    expect(a.run(1_000_000).kind).to.equal("halt");
    let e;
    do e = b.run(3); while (e.kind === "budget");
    expect(e.kind).to.equal("halt");
    expect(b.eax).to.equal(a.eax);
    expect(b.instructions).to.equal(a.instructions);
    expect(b.cycles).to.equal(a.cycles);
  });

  it("rep string instructions stop at the budget and resume", () => {
    // mov ecx,100; mov edi,DATA; mov al,0x5a; rep stosb; hlt
    const code = [0xb9, ...d32(100), 0xbf, ...d32(DATA_BASE), 0xb0, 0x5a, 0xf3, 0xaa, 0xf4];
    const cpu = machine(code);
    expect(cpu.run(13).kind).to.equal("budget"); // 3 + 10 iterations
    expect(cpu.ecx).to.equal(90);
    expect(cpu.eip).to.equal(CODE_BASE + 12);
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(cpu.ecx).to.equal(0);
    expect(cpu.mem.readBytes(guestPhys(DATA_BASE), 101)[99]).to.equal(0x5a);
    expect(cpu.mem.readBytes(guestPhys(DATA_BASE), 101)[100]).to.equal(0);
  });

  it("MOV from CR/DR ignores the mod bits: no SIB or displacement follows (SDM vol. 2B)", () => {
    // 0F 20 05: mod 00 rm 101 would mean [disp32] in any other instruction: here it is mov ebp, cr0.
    // 0F 21 BE: mod 10 rm 110 would take a disp32: here mov esi, dr7. 0F 20 C1: mov ecx, cr0; 0F 21 FA: mov edx, dr7.
    const code = bytes(0x0f, 0x20, 0x05, 0x0f, 0x21, 0xbe, 0x0f, 0x20, 0xc1, 0x0f, 0x21, 0xfa);
    const r = runSnippet(code, regs({ ebp: 0x1234, esi: 0x5678, ecx: 0x1111, edx: 0x2222 }));
    expect(r.exception).to.equal(undefined);
    expect(r.instructions).to.equal(4);
    expect([r.regs.ebp, r.regs.esi]).to.deep.equal([r.regs.ecx, r.regs.edx]);
    expect(r.regs.ecx).to.not.equal(0x1111);
  });

  it("string instructions honour DF and REPNE SCAS", () => {
    const data = new TextEncoder().encode("hello, world\0");
    // std; mov esi,DATA+4; mov edi,DATA+0x104; mov ecx,5; rep movsb; cld
    const r = runSnippet(bytes(0xfd, 0xbe, d32(DATA_BASE + 4), 0xbf, d32(DATA_BASE + 0x104), 0xb9, d32(5), 0xf3, 0xa4, 0xfc), ZERO, data);
    expect(new TextDecoder().decode(r.data.subarray(0x100, 0x105))).to.equal("hello");
    expect(r.regs.esi).to.equal(DATA_BASE - 1);
    // strlen: mov edi,DATA; xor eax,eax; mov ecx,-1; repne scasb; not ecx; dec ecx
    const s = runSnippet(bytes(0xbf, d32(DATA_BASE), 0x31, 0xc0, 0xb9, d32(0xffffffff), 0xf2, 0xae, 0xf7, 0xd1, 0x49), ZERO, data);
    expect(s.regs.ecx).to.equal(12);
    // repe cmpsb stops at the first difference
    const c = runSnippet(bytes(0xbe, d32(DATA_BASE), 0xbf, d32(DATA_BASE + 7), 0xb9, d32(5), 0xf3, 0xa6), ZERO, new TextEncoder().encode("abcdefXabXde"));
    expect(c.regs.ecx).to.equal(2);
  });

  it("self-modifying code takes effect on the next instruction", () => {
    // mov byte [CODE+12], 0x40 (inc eax) over a nop; nop... ; the patched byte executes
    const code = bytes(0xc6, 0x05, d32(CODE_BASE + 8), 0x40, 0x90, 0x90, 0x90, 0x90, 0x90);
    const r = runSnippet(code, ZERO);
    expect(r.regs.eax).to.equal(1);
    // and in a loop already compiled: patch the loop body on the second pass
    const loop = bytes(
      0xb9, d32(3), // mov ecx,3
      0x90, // l: nop  (patched to inc eax after the first pass)
      0xc6, 0x05, d32(CODE_BASE + 5), 0x40, // mov byte [l], inc eax
      0xe2, 0xf6, // loop l
    );
    expect(runSnippet(loop, ZERO).regs.eax).to.equal(2);
  });

  it("a loader write into a compiled page invalidates its blocks", () => {
    const { cpu, mem } = snippetCpu(bytes(0xb8, d32(1)), ZERO);
    expect(cpu.run(10).kind).to.equal("halt");
    expect(cpu.eax).to.equal(1);
    mem.writeBytes(guestPhys(CODE_BASE + 1), new Uint8Array(d32(2)));
    cpu.eip = CODE_BASE;
    cpu.halted = false;
    expect(cpu.run(10).kind).to.equal("halt");
    expect(cpu.eax).to.equal(2);
  });

  it("OUT reaches the port bus and requestStop ends the slice after that instruction", () => {
    const writes: [number, number][] = [];
    let cpu: Cpu | null = null;
    const io: PortIo = {
      read: (port: IoPort) => (port === 0x60 ? 0x42 : 0xff),
      write: (port: IoPort, _size, v) => {
        writes.push([port, v]);
        if (port === 0xf4) cpu!.requestStop("debug exit");
      },
    };
    // in al,0x60; out 0x80,al; out 0xf4,al; inc ebx
    cpu = machine([0xe4, 0x60, 0xe6, 0x80, 0xe6, 0xf4, 0x43], io);
    const e = cpu.run(100);
    expect(e).to.deep.equal({ kind: "stop", reason: "debug exit" });
    expect(writes).to.deep.equal([[0x80, 0x42], [0xf4, 0x42]]);
    expect(cpu.ebx).to.equal(0);
    expect(cpu.instructions).to.equal(3);
  });

  it("HLT exits with EIP after it and an interrupt source wakes it", () => {
    const cpu = machine([0xfb, 0xf4, 0x40, 0xf4]);
    expect(cpu.run(100).kind).to.equal("halt");
    expect(cpu.halted).to.equal(true);
    expect(cpu.run(100).kind).to.equal("halt"); // still halted, nothing pending
    expect(cpu.eip).to.equal(CODE_BASE + 2);
  });

  it("saveState/restoreState round-trips the registers", () => {
    const { cpu } = snippetCpu(bytes(0x90), regs({ eax: 7, esi: 9, eflags: 0x203 }));
    const st = cpu.saveState();
    const { cpu: other } = snippetCpu(bytes(0x90), ZERO);
    other.restoreState(JSON.parse(JSON.stringify(st)));
    expect(other.saveState()).to.deep.equal(st);
  });
});
