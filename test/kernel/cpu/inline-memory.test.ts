// The inline TLB paths of compiled blocks (decoder/runtime.ts rdExpr/wrStmt): a load or store whose page is
// already in the TLB is done by the block itself, everything else calls the CPU. These tests warm the TLB
// first, so the access under test is the inline one, and check that it stays exact: alignment and page
// straddling, the privilege bit of the entry, code pages, the dirty log and write-protected RAM.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { decodeInsn } from "../../../kernel/cpu/decoder/block-builder";
import { WRITE_PROTECT_STOP } from "../../../kernel/cpu/faults";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { d32 } from "./snippets";

const CODE = 0x10000;
const DATA = 0x20000;
const PAGE2 = 0x30000; // code reached by a jump from CODE, on a page of its own
const SUPER = 0x40000; // supervisor-only page in the paging tests

function machine(code: number[], opts: { paging?: boolean; user?: boolean } = {}): { cpu: Cpu; mem: PhysicalMemory } {
  const mem = new PhysicalMemory(0x400000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  if (opts.paging === true) {
    // Identity map of 4 MiB, present, writable, user; SUPER is supervisor-only.
    const pd = 0x300000;
    const pt = 0x301000;
    mem.write32(guestPhys(pd), pt | 7);
    for (let i = 0; i < 1024; i++) mem.write32(guestPhys(pt + i * 4), (i << 12) | ((i << 12) === SUPER ? 3 : 7));
    cpu.cr3 = pd;
    cpu.cr0 = cpu.cr0 | CR0_PG;
  }
  if (opts.user === true) cpu.loadFlat32({ codeSelector: 0x18, dataSelector: 0x20, cpl: 3 });
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return { cpu, mem };
}

/** Runs the code at CODE again from the start (the block is cached and the TLB warm). */
function rerun(cpu: Cpu, budget = 10_000): ReturnType<Cpu["run"]> {
  cpu.eip = CODE;
  cpu.halted = false;
  return cpu.run(budget);
}

describe("kernel/cpu: inline TLB paths of compiled blocks", () => {
  it("aligned, unaligned and page-straddling loads and stores read and write the same bytes as the CPU's accessors", () => {
    // mov ecx, 3
    // l: mov eax, [esi] ; mov ebx, [esi+1] ; mov edx, [edi] (edi = page end - 2) ; mov [esi+0x41], ebx ;
    //    mov [edi+1], eax (straddles) ; mov al, [esi+3] ; mov [esi+0x80], al ; loop l ; hlt
    const code = [
      0xb9, ...d32(3),
      0x8b, 0x06, 0x8b, 0x5e, 0x01, 0x8b, 0x17, 0x89, 0x5e, 0x41, 0x89, 0x47, 0x01, 0x8a, 0x46, 0x03, 0x88, 0x86, ...d32(0x80),
      0xe2, 0xe8, 0xf4,
    ];
    const { cpu, mem } = machine(code);
    mem.writeBytes(guestPhys(DATA), new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55]));
    mem.writeBytes(guestPhys(DATA + 0x0ffe), new Uint8Array([0xa1, 0xa2, 0xb1, 0xb2]));
    cpu.esi = DATA;
    cpu.edi = DATA + 0x0ffe;
    expect(cpu.run(10_000).kind).to.equal("halt");
    // The last pass reads what the earlier passes stored ([edi] changes from the second pass on).
    expect(cpu.ebx >>> 0).to.equal(0x55443322);
    expect(cpu.edx >>> 0).to.equal(0x332211a1);
    expect(cpu.eax >>> 0).to.equal(0x44332244);
    expect(mem.read32(guestPhys(DATA + 0x41))).to.equal(0x55443322);
    expect(mem.read32(guestPhys(DATA + 0x0fff))).to.equal(0x44332211);
    expect(mem.read8(guestPhys(DATA + 0x80))).to.equal(0x44);
  });

  it("an entry filled at CPL 0 does not let CPL 3 read or write a supervisor page: #PF at the accessing instruction", () => {
    // inc eax ; mov ebx, [SUPER] ; inc eax
    const load = [0x40, 0x8b, 0x1d, ...d32(SUPER), 0x40];
    // inc eax ; mov [SUPER], ebx ; inc eax
    const store = [0x40, 0x89, 0x1d, ...d32(SUPER), 0x40];
    for (const [code, write] of [[load, false], [store, true]] as const) {
      const { cpu } = machine(code, { paging: true, user: true });
      // The kernel's (supervisor) access puts SUPER in the TLB with the supervisor bit only.
      expect(cpu.probe(SUPER, write, false)).to.equal(SUPER);
      const exit = cpu.run(100);
      expect(exit, `write ${write}`).to.deep.equal({ kind: "fault", vector: 14, errorCode: write ? 7 : 5, eip: CODE + 1, cr2: SUPER });
      expect(cpu.eax).to.equal(1);
      expect(cpu.eip).to.equal(CODE + 1);
      expect(cpu.instructions).to.equal(1);
    }
  });

  it("user pages stay fast at CPL 3: the same code reads and writes a user page", () => {
    // mov ecx, 3 ; l: mov eax, [DATA] ; inc eax ; mov [DATA], eax ; loop l ; int 0x80
    const code = [0xb9, ...d32(3), 0xa1, ...d32(DATA), 0x40, 0xa3, ...d32(DATA), 0xe2, 0xf3, 0xcd, 0x80];
    const { cpu, mem } = machine(code, { paging: true, user: true });
    const exit = cpu.run(100);
    expect(exit).to.deep.include({ kind: "fault", eip: CODE + 18 }); // INT 0x80 is no hypercall vector here
    expect(mem.read32(guestPhys(DATA))).to.equal(3);
  });

  it("a store into the running block's own code page stops it after the storing instruction", () => {
    // CODE: mov [PAGE2+0x800], eax (PAGE2 holds no decoded code yet, so the store leaves a write entry) ; jmp PAGE2
    const { cpu, mem } = machine([0xa3, ...d32(PAGE2 + 0x800), 0xe9, ...d32(PAGE2 - (CODE + 10))]);
    // PAGE2: mov byte [PAGE2+17], 0x40 ; mov dword [PAGE2+18], 0x90404040 ; nop x5 (at +17) ; hlt
    // Both stores patch the NOPs after them into INC EAX x4; decoding PAGE2 must drop its write entry.
    const body = [0xc6, 0x05, ...d32(PAGE2 + 17), 0x40, 0xc7, 0x05, ...d32(PAGE2 + 18), ...d32(0x90404040), 0x90, 0x90, 0x90, 0x90, 0x90, 0xf4];
    mem.writeBytes(guestPhys(PAGE2), new Uint8Array(body));
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(cpu.eax).to.equal(4);
  });

  it("while dirty logging, a store of a cached block whose page was logged is seen again after the log is taken", () => {
    // mov ecx, 3 ; l: mov [edi], ecx ; loop l ; hlt
    const { cpu, mem } = machine([0xb9, ...d32(3), 0x89, 0x0f, 0xe2, 0xfc, 0xf4]);
    cpu.edi = DATA + 0x10;
    mem.startDirtyLog();
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(mem.takeDirtyPages()).to.deep.equal([DATA >>> 12]);
    expect(rerun(cpu).kind).to.equal("halt");
    expect(mem.takeDirtyPages()).to.deep.equal([DATA >>> 12]);
    expect(mem.read32(guestPhys(DATA + 0x10))).to.equal(1);
  });

  it("write-protecting a page the TLB holds a write entry for refuses the next store of the cached block", () => {
    // mov ecx, 3 ; l: mov [edi], ecx ; mov [edi+1], cl ; loop l ; hlt
    const { cpu, mem } = machine([0xb9, ...d32(3), 0x89, 0x0f, 0x88, 0x4f, 0x01, 0xe2, 0xf9, 0xf4]);
    cpu.edi = DATA;
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(mem.read32(guestPhys(DATA))).to.equal(0x101);
    mem.protectRam(guestPhys(DATA), guestPhys(DATA + 0x1000));
    expect(rerun(cpu)).to.deep.equal({ kind: "stop", reason: WRITE_PROTECT_STOP });
    expect(mem.read32(guestPhys(DATA))).to.equal(0x101);
    expect(cpu.eip).to.equal(CODE + 5);
    expect(cpu.writeViolation).to.deep.equal({ linear: DATA, phys: DATA, user: false, eip: CODE + 5 });
  });

  it("every instruction that can change the CPL ends its block, so the privilege bit is a constant of a block", () => {
    // The helpers that load CS (and so the CPL): far transfers, INT n/INTO/INT3, IRET, SYSENTER/SYSEXIT (task
    // switches go through them too). Faults end the block by throwing.
    const loadsCs = /\bs\.(?:farJmp|farCall|farRet|iret|softInt|sysenter|sysexit)\(/;
    const bad: string[] = [];
    let seen = 0;
    for (const cpl of [0, 3]) {
      for (let op = 0; op < 0x200; op++) {
        for (const modrm of [0xc1, 0x03, 0x1b, 0x44, 0x9b]) {
          const bytes = op < 0x100 ? [op, modrm, 0x24, 1, 2, 3, 4, 5, 6, 7] : [0x0f, op & 0xff, modrm, 0x24, 1, 2, 3, 4, 5, 6];
          const ins = decodeInsn((off) => bytes[off] ?? -1, 0, CODE, flat32Mode(cpl), 0, DEFAULT_COST_MODEL);
          if (!loadsCs.test(ins.code)) continue;
          seen++;
          if (!ins.term) bad.push(`${op.toString(16)} /${(modrm >> 3) & 7}`);
        }
      }
    }
    expect(seen).to.be.greaterThan(20);
    expect(bad).to.deep.equal([]);
  });

  it("a page walk that sets an accessed bit in the running block's code stops it after the reading instruction", () => {
    // The access's slow path reads brk into the block's copy (runtime.ts BRK_REFRESH). A second page table lies in
    // CODE's own page, so the walk of LIN sets bit 5 of its PTE at CODE+8, which is the `add eax, 0x101` (05 ..)
    // after the CMP: it becomes `and eax, 0x101` (25 ..), as a single-stepping CPU decodes it.
    const off = 8;
    const lin = 0x400000 + (off / 4) * 4096;
    // nop ; nop ; cmp [LIN], ebx ; add eax, 0x101 ; hlt
    const code = [0x90, 0x90, 0x39, 0x1d, ...d32(lin), 0x05, ...d32(0x101), 0xf4];
    const results: number[] = [];
    for (const single of [false, true]) {
      const { cpu, mem } = machine(code, { paging: true });
      // PDE 1 (linear 4-8 MiB) -> a page table at CODE; the PTE at CODE+8 reads 0x00010105: present, user, not accessed.
      mem.write32(guestPhys(0x300004), CODE | 7);
      cpu.eax = 0x1000;
      if (single) for (let k = 0; k < 5 && !cpu.halted; k++) cpu.run(1);
      else expect(cpu.run(100).kind).to.equal("halt");
      expect(mem.read8(guestPhys(CODE + off))).to.equal(0x25);
      results.push(cpu.eax);
    }
    expect(results).to.deep.equal([0, 0]);
  });
});
