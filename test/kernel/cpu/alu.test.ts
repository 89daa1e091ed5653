import { expect } from "chai";
import { CF, OF, PF, SF, ZF, AF } from "../../../kernel/cpu/flags";
import { DATA_BASE, runSnippet } from "../../support/cpu-harness";
import { bytes, d32, regs, ZERO } from "./snippets";

const STATUS = CF | PF | AF | ZF | SF | OF;
function flagsOf(code: Uint8Array, r = ZERO): number {
  return runSnippet(code, r).regs.eflags & STATUS;
}

describe("kernel/cpu ALU and flags", () => {
  it("ADD sets carry, zero, parity and aux carry on wrap-around", () => {
    // mov eax,0xffffffff; add eax,1
    const r = runSnippet(bytes(0xb8, d32(0xffffffff), 0x83, 0xc0, 0x01), ZERO);
    expect(r.regs.eax).to.equal(0);
    expect(r.regs.eflags & STATUS).to.equal(CF | ZF | PF | AF);
  });
  it("SUB/CMP give signed overflow and borrow", () => {
    // mov eax,0x80000000; sub eax,1 -> 0x7fffffff, OF, AF, no CF
    const r = runSnippet(bytes(0xb8, d32(0x80000000), 0x83, 0xe8, 0x01), ZERO);
    expect(r.regs.eax).to.equal(0x7fffffff);
    expect(r.regs.eflags & STATUS).to.equal(OF | AF | PF);
    // cmp eax(1), ebx(2): CF, SF, AF
    expect(flagsOf(bytes(0x39, 0xd8), regs({ eax: 1, ebx: 2 }))).to.equal(CF | SF | AF | PF);
  });
  it("8-bit and 16-bit forms keep the upper register bits", () => {
    // mov eax,0x12345678; add al,0x90; add ax,0x1000 ; mov ah,bl
    const r = runSnippet(bytes(0xb8, d32(0x12345678), 0x04, 0x90, 0x66, 0x05, 0x00, 0x10, 0x88, 0xdc), regs({ ebx: 0xaa }));
    expect(r.regs.eax).to.equal(0x1234aa08);
  });
  it("ADC/SBB chain carries through 64-bit arithmetic", () => {
    // add eax,ebx ; adc edx,ecx
    const r = runSnippet(bytes(0x01, 0xd8, 0x11, 0xca), regs({ eax: 0xffffffff, ebx: 2, edx: 5, ecx: 7 }));
    expect(r.regs.eax).to.equal(1);
    expect(r.regs.edx).to.equal(13);
    // sub eax,ebx ; sbb edx,ecx : 0x5_00000001 - 0x7_00000002
    const s = runSnippet(bytes(0x29, 0xd8, 0x19, 0xca), regs({ eax: 1, ebx: 2, edx: 5, ecx: 7 }));
    expect(s.regs.eax).to.equal(0xffffffff);
    expect(s.regs.edx).to.equal(0xfffffffd);
    expect(s.regs.eflags & CF).to.equal(CF);
  });
  it("INC and DEC preserve CF", () => {
    // stc; inc eax ; dec ebx
    const r = runSnippet(bytes(0xf9, 0x40, 0x4b), regs({ eax: 0x7fffffff, ebx: 1 }));
    expect(r.regs.eax).to.equal(0x80000000);
    expect(r.regs.eflags & (CF | ZF | OF)).to.equal(CF | ZF);
    // after an ADD that carried: add eax,ebx; inc ecx; jc +1... use setc al via 0f 92 c0
    const s = runSnippet(bytes(0x01, 0xd8, 0x41, 0x0f, 0x92, 0xc2), regs({ eax: 0xffffffff, ebx: 1 }));
    expect(s.regs.edx & 0xff).to.equal(1);
  });
  it("shifts and rotates set CF/OF as the SDM says", () => {
    // shl eax,1 (0x80000001 -> 2, CF=1, OF=1)
    const r = runSnippet(bytes(0xd1, 0xe0), regs({ eax: 0x80000001 }));
    expect(r.regs.eax).to.equal(2);
    expect(r.regs.eflags & (CF | OF)).to.equal(CF | OF);
    // sar eax,cl with cl=4 on 0x80000000
    expect(runSnippet(bytes(0xd3, 0xf8), regs({ eax: 0x80000000, ecx: 4 })).regs.eax).to.equal(0xf8000000);
    // rol al,1 / rcr: rcr eax,1 with CF=1
    const t = runSnippet(bytes(0xf9, 0xd1, 0xd8), regs({ eax: 2 }));
    expect(t.regs.eax).to.equal(0x80000001);
    // shift by 0 leaves flags alone: stc; shl eax,cl (cl=0)
    expect(runSnippet(bytes(0xf9, 0xd3, 0xe0), regs({ eax: 5 })).regs.eflags & CF).to.equal(CF);
    // shld eax,ebx,8
    expect(runSnippet(bytes(0x0f, 0xa4, 0xd8, 0x08), regs({ eax: 0x11223344, ebx: 0xaabbccdd })).regs.eax).to.equal(0x223344aa);
    // shrd eax,ebx,cl (cl=8)
    expect(runSnippet(bytes(0x0f, 0xad, 0xd8), regs({ eax: 0x11223344, ebx: 0xaabbccdd, ecx: 8 })).regs.eax).to.equal(0xdd112233);
  });
  it("MUL/IMUL/DIV/IDIV including 64-bit products and #DE", () => {
    // mul ebx
    const m = runSnippet(bytes(0xf7, 0xe3), regs({ eax: 0xffffffff, ebx: 0xffffffff }));
    expect([m.regs.eax, m.regs.edx]).to.deep.equal([1, 0xfffffffe]);
    expect(m.regs.eflags & (CF | OF)).to.equal(CF | OF);
    // imul ebx (signed): -2 * 3
    const i = runSnippet(bytes(0xf7, 0xeb), regs({ eax: 0xfffffffe, ebx: 3 }));
    expect([i.regs.eax, i.regs.edx]).to.deep.equal([0xfffffffa, 0xffffffff]);
    expect(i.regs.eflags & CF).to.equal(0);
    // imul ecx, ebx, 1000 overflow
    const t = runSnippet(bytes(0x69, 0xcb, d32(1000)), regs({ ebx: 0x7fffffff }));
    expect(t.regs.ecx).to.equal(Math.imul(0x7fffffff, 1000) >>> 0);
    expect(t.regs.eflags & (CF | OF)).to.equal(CF | OF);
    // div ebx: edx:eax = 0x1_00000005 / 3
    const d = runSnippet(bytes(0xf7, 0xf3), regs({ edx: 1, eax: 5, ebx: 3 }));
    expect([d.regs.eax, d.regs.edx]).to.deep.equal([0x55555557, 0]);
    // idiv ebx: -7 / 2 = -3 r -1
    const n = runSnippet(bytes(0xf7, 0xfb), regs({ edx: 0xffffffff, eax: 0xfffffff9, ebx: 2 }));
    expect([n.regs.eax, n.regs.edx]).to.deep.equal([0xfffffffd, 0xffffffff]);
    // #DE on quotient overflow, registers as before
    const e = runSnippet(bytes(0xf7, 0xf3), regs({ edx: 5, eax: 0, ebx: 3 }));
    expect(e.exception).to.equal(0);
    expect(e.regs.edx).to.equal(5);
    // div by zero
    expect(runSnippet(bytes(0xf6, 0xf3), regs({ eax: 100 })).exception).to.equal(0);
  });
  it("bit operations: BT/BTS with memory bit strings, BSF/BSR, BSWAP", () => {
    // mov ebx, DATA_BASE ; mov ecx, 35 ; bts [ebx], ecx ; bt [ebx], ecx ; setc al
    const r = runSnippet(bytes(0xbb, d32(DATA_BASE), 0xb9, d32(35), 0x0f, 0xab, 0x0b, 0x0f, 0xa3, 0x0b, 0x0f, 0x92, 0xc0), ZERO);
    expect(r.data[4]).to.equal(8);
    expect(r.regs.eax & 0xff).to.equal(1);
    // negative bit offset addresses below the operand: ecx=-1 -> bit 7 of byte at -1
    const n = runSnippet(bytes(0xbb, d32(DATA_BASE + 8), 0xb9, d32(0xffffffff), 0x0f, 0xab, 0x0b), ZERO);
    expect(n.data[7]).to.equal(0x80);
    // bsf eax, ebx ; bsr ecx, ebx
    const b = runSnippet(bytes(0x0f, 0xbc, 0xc3, 0x0f, 0xbd, 0xcb), regs({ ebx: 0x00f00100 }));
    expect([b.regs.eax, b.regs.ecx]).to.deep.equal([8, 23]);
    // bsf with zero source: ZF=1, destination unchanged
    const z = runSnippet(bytes(0x0f, 0xbc, 0xc3), regs({ eax: 77 }));
    expect(z.regs.eax).to.equal(77);
    expect(z.regs.eflags & ZF).to.equal(ZF);
    expect(runSnippet(bytes(0x0f, 0xc8), regs({ eax: 0x11223344 })).regs.eax).to.equal(0x44332211);
  });
  it("CMPXCHG, XADD, CMPXCHG8B, XCHG", () => {
    // cmpxchg ebx, ecx (eax == ebx): ebx = ecx, ZF
    const c = runSnippet(bytes(0x0f, 0xb1, 0xcb), regs({ eax: 5, ebx: 5, ecx: 9 }));
    expect(c.regs.ebx).to.equal(9);
    expect(c.regs.eflags & ZF).to.equal(ZF);
    const c2 = runSnippet(bytes(0x0f, 0xb1, 0xcb), regs({ eax: 4, ebx: 5, ecx: 9 }));
    expect([c2.regs.eax, c2.regs.ebx]).to.deep.equal([5, 5]);
    // xadd eax, ebx
    const x = runSnippet(bytes(0x0f, 0xc1, 0xd8), regs({ eax: 10, ebx: 3 }));
    expect([x.regs.eax, x.regs.ebx]).to.deep.equal([13, 10]);
    // lock cmpxchg8b [esi]
    const data = new Uint8Array(8);
    data.set([1, 0, 0, 0, 2, 0, 0, 0]);
    const e = runSnippet(bytes(0xf0, 0x0f, 0xc7, 0x0e), regs({ esi: DATA_BASE, eax: 1, edx: 2, ebx: 0xaa, ecx: 0xbb }), data);
    expect(Array.from(e.data.subarray(0, 8))).to.deep.equal([0xaa, 0, 0, 0, 0xbb, 0, 0, 0]);
    // LOCK on a register operand is #UD
    expect(runSnippet(bytes(0xf0, 0x01, 0xd8), ZERO).exception).to.equal(6);
  });
  it("BCD adjusts, CBW/CWDE/CDQ, MOVZX/MOVSX, SETcc/CMOVcc, LAHF/SAHF", () => {
    // mov al,0x19; add al,0x28; daa -> 0x47
    expect(runSnippet(bytes(0xb0, 0x19, 0x04, 0x28, 0x27), ZERO).regs.eax & 0xff).to.equal(0x47);
    // aam: al=0x3f -> ah=6 al=3
    expect(runSnippet(bytes(0xb0, 0x3f, 0xd4, 0x0a), ZERO).regs.eax & 0xffff).to.equal(0x0603);
    // aad: ax=0x0603 -> 0x3f
    expect(runSnippet(bytes(0x66, 0xb8, 0x03, 0x06, 0xd5, 0x0a), ZERO).regs.eax & 0xffff).to.equal(0x3f);
    expect(runSnippet(bytes(0x98), regs({ eax: 0x8000 })).regs.eax).to.equal(0xffff8000);
    expect(runSnippet(bytes(0x99), regs({ eax: 0x80000000 })).regs.edx).to.equal(0xffffffff);
    expect(runSnippet(bytes(0x0f, 0xbe, 0xc3), regs({ ebx: 0x80 })).regs.eax).to.equal(0xffffff80);
    expect(runSnippet(bytes(0x0f, 0xb7, 0xc3), regs({ ebx: 0x12348765 })).regs.eax).to.equal(0x8765);
    // cmp eax,ebx ; setl cl ; cmovg edx, ebx
    const s = runSnippet(bytes(0x39, 0xd8, 0x0f, 0x9c, 0xc1, 0x0f, 0x4f, 0xd3), regs({ eax: 0xffffffff, ebx: 1, edx: 7 }));
    expect(s.regs.ecx).to.equal(1);
    expect(s.regs.edx).to.equal(7);
    // lahf after stc: AH = CF|bit1
    expect((runSnippet(bytes(0xf9, 0x9f), ZERO).regs.eax >> 8) & 0xff).to.equal(0x03);
    // sahf: AH=0xc1 -> SF ZF CF
    expect(runSnippet(bytes(0xb4, 0xc1, 0x9e), ZERO).regs.eflags & STATUS).to.equal(SF | ZF | CF);
  });
  it("ENTER/LEAVE, PUSHA/POPA, PUSHF/POPF", () => {
    // push ebp? : enter 16,0 ; leave
    const e = runSnippet(bytes(0xc8, 0x10, 0x00, 0x00, 0xc9), regs({ ebp: 0x1234 }));
    expect(e.regs.ebp).to.equal(0x1234);
    expect(e.regs.esp).to.equal(0x80000);
    // pusha; mov eax,0; popa
    const p = runSnippet(bytes(0x60, 0xb8, d32(0), 0x61), regs({ eax: 9, edi: 3 }));
    expect([p.regs.eax, p.regs.edi, p.regs.esp]).to.deep.equal([9, 3, 0x80000]);
    // pushf; pop eax (flags with bit 1 set)
    expect(runSnippet(bytes(0xf9, 0x9c, 0x58), ZERO).regs.eax & 0xff).to.equal(0x03);
  });
  it("unknown opcodes and unassigned x87 encodings are #UD; FLD1 runs (CR0.EM/TS clear)", () => {
    expect(runSnippet(bytes(0x0f, 0x0b), ZERO).exception).to.equal(6);
    expect(runSnippet(bytes(0xd9, 0xe8), ZERO).exception).to.equal(undefined);
    expect(runSnippet(bytes(0xd9, 0xd1), ZERO).exception).to.equal(6);
    expect(runSnippet(bytes(0x0f, 0x28, 0xc1), ZERO).exception).to.equal(6);
    expect(runSnippet(bytes(0x0f, 0xb9, 0xc0), ZERO).exception).to.equal(6); // UD1 (0x63 is ARPL now)
  });
  it("CPUID reports the vendor and only implemented features", () => {
    const v = runSnippet(bytes(0x0f, 0xa2), ZERO).regs;
    const s = [v.ebx, v.edx, v.ecx].map((x) => String.fromCharCode(x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, x >>> 24)).join("");
    expect(s).to.equal("ApexVisorCPU");
    const f = runSnippet(bytes(0x0f, 0xa2), regs({ eax: 1 })).regs;
    expect(f.edx & 1).to.equal(1); // FPU
    expect((f.edx >>> 24) & 1).to.equal(1); // FXSR
    expect(f.edx & ((1 << 4) | (1 << 8) | (1 << 3) | (1 << 15))).to.equal((1 << 4) | (1 << 8) | (1 << 3) | (1 << 15));
    expect((f.eax >> 8) & 0xf).to.equal(6);
  });
});
