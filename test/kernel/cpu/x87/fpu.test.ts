// x87 behaviour the recorded vectors cannot show: #NM from CR0.EM/TS, #MF on the next waiting
// instruction after an unmasked exception (CR0.NE=1), FNSTSW AX, the FPU state's save/parse/restore, and the FLD m64
// and FST/FSTP m64 that decode.ts writes into blocks against the FPU's own ldF64 and stF64.
import { expect } from "chai";
import { X87Fpu } from "../../../../kernel/cpu/x87/fpu";
import { X87State } from "../../../../kernel/cpu/x87/fpu-state";
import { runSnippet, snippetCpu } from "../../../support/cpu-harness";

const ZERO = { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0, ebp: 0, esi: 0, edi: 0, eflags: 2 };

function runWithCr0(code: number[], cr0: number): { exception: number | undefined; eax: number } {
  const { cpu } = snippetCpu(Uint8Array.from(code), ZERO);
  cpu.cr0 = cr0;
  for (;;) {
    const e = cpu.run(1_000_000);
    if (e.kind === "fault") return { exception: e.vector, eax: cpu.eax };
    if (e.kind === "halt") return { exception: undefined, eax: cpu.eax };
  }
}

describe("kernel/cpu/x87 FPU", () => {
  it("raises #NM for CR0.EM or CR0.TS, and WAIT only for MP with TS", () => {
    expect(runWithCr0([0xd9, 0xe8], 0x11 | 4).exception).to.equal(7); // EM
    expect(runWithCr0([0xd9, 0xe8], 0x11 | 8).exception).to.equal(7); // TS
    expect(runWithCr0([0x9b], 0x11 | 8).exception).to.equal(undefined);
    expect(runWithCr0([0x9b], 0x11 | 8 | 2).exception).to.equal(7);
  });
  it("reports an unmasked divide by zero as #MF on the next waiting instruction (CR0.NE=1)", () => {
    // fninit; fldcw [unmask ZE via push]; fldz; fld1; fdivrp (1/0); fnstsw ax; fwait
    const code = [0xdb, 0xe3, 0x68, 0x7b, 0x03, 0x00, 0x00, 0xd9, 0x2c, 0x24, 0xd9, 0xee, 0xd9, 0xe8, 0xde, 0xf1, 0xdf, 0xe0, 0x9b];
    const r = runWithCr0(code, 0x11 | 0x20);
    expect(r.exception).to.equal(16);
    expect(r.eax & 0xffff & 0x84).to.equal(0x84); // ES and ZE, read by the non-waiting FNSTSW before the #MF
    // With every exception masked the same code runs through.
    const masked = [...code];
    masked[3] = 0x7f;
    expect(runWithCr0(masked, 0x11 | 0x20).exception).to.equal(undefined);
  });
  it("computes 1/3 in double precision and stores it (PC=53)", () => {
    // fninit; push 0x27f; fldcw [esp]; fld1; push 3; fidiv dword [esp]; fstp qword [esp]; pop eax; pop edx
    const code = [0xdb, 0xe3, 0x68, 0x7f, 0x02, 0x00, 0x00, 0xd9, 0x2c, 0x24, 0xd9, 0xe8, 0x6a, 0x03, 0xda, 0x34, 0x24, 0xdd, 0x1c, 0x24, 0x58, 0x5a];
    const r = runSnippet(Uint8Array.from(code), ZERO);
    expect([r.regs.edx >>> 0, r.regs.eax >>> 0]).to.deep.equal([0x3fd55555, 0x55555555]);
  });
  it("saves, parses and restores its state into a fresh FPU", () => {
    const a = new X87Fpu();
    a.ldConst(3);
    a.ldI32(-7);
    a.fldcw(0x0b7f);
    const saved = JSON.parse(JSON.stringify(a.saveState())) as unknown;
    const parsed = X87State.parseState(saved);
    if (typeof parsed === "string") throw new Error(parsed);
    const b = new X87Fpu();
    b.restoreState(parsed);
    expect(b.saveState()).to.deep.equal(a.saveState());
    expect(X87State.parseState({ ...(saved as object), regs: ["zz"] })).to.be.a("string");
  });
  it("FLD m64 written into the block leaves what X87Fpu.ldF64 leaves: every class, C1 set before, a full stack", () => {
    const doubles: [number, number][] = [
      [0x9999999a, 0x3fb99999], [0, 0xc0080000], [0, 0], [0, 0x80000000 | 0], [1, 0], [0, 0x00100000], [0, 0x7ff00000],
      [0, 0xfff00000 | 0], [5, 0x7ff80000], [1, 0x7ff00000], [-1, 0x7fefffff],
    ];
    const before: [string, (x: X87Fpu) => void][] = [
      ["C1 set", (x) => { x.status = 0x0200; }],
      ["two values, TOP 6", (x) => { x.ldI32(3); x.ldI32(-4); }],
      ["a full stack", (x) => { for (let k = 0; k < 8; k++) x.ldI32(k); }],
    ];
    for (const [lo, hi] of doubles) {
      for (const [name, setup] of before) {
        // push hi; push lo; fld qword [esp]
        const code = [0x68, ...le32(hi), 0x68, ...le32(lo), 0xdd, 0x04, 0x24];
        const { cpu } = snippetCpu(Uint8Array.from(code), ZERO);
        setup(cpu.x87);
        for (;;) if (cpu.run(1_000_000).kind === "halt") break;
        const ref = new X87Fpu();
        ref.init();
        setup(ref);
        ref.ldF64(lo, hi);
        const got = cpu.x87.saveState(), want = ref.saveState();
        expect([got.status, got.empty, got.regs], `${hi.toString(16)}:${lo.toString(16)}, ${name}`).to.deep.equal([want.status, want.empty, want.regs]);
      }
    }
  });

  it("FST and FSTP m64 written into the block store and leave what X87Fpu.stF64 does: ties, carries, range ends, every class", () => {
    const B = 16383;
    // Register images as [sign|exponent, high half, low half].
    const images: [number, number, number][] = [
      [B, 0x80000000 | 0, 0], [B, 0x80000000 | 0, 0x400], [B, 0x80000000 | 0, 0xc00], [B, 0x80000000 | 0, 0x401],
      [0x8000 | B, 0x80000000 | 0, 0x3ff], [B + 5, -1, -1], [B + 1022, -1, -1], [B + 1022, -1, 0xfffff3ff | 0], [B + 1023, 0x80000000 | 0, 0x400], [B + 1023, -1, -1],
      [B - 1022, 0x80000000 | 0, 0x7ff], [B - 1023, 0x80000000 | 0, 0], [0, 0, 0], [0x8000, 0, 0], [0, 0x40000000, 0], [0x7fff, 0x80000000 | 0, 0],
      [0x7fff, 0xc0000000 | 0, 0], [0x7fff, 0x80000000 | 0, 1], [B, 0x40000000, 0],
    ];
    const setups: [string, (x: X87Fpu) => void][] = [
      ["FNINIT's control word", () => undefined],
      ["RC up", (x) => x.fldcw(0x0b7f)],
      ["RC down", (x) => x.fldcw(0x077f)],
      ["#P unmasked", (x) => x.fldcw(0x035f)],
      ["C1 set", (x) => { x.status |= 0x0200; }],
    ];
    for (const pop of [false, true]) {
      for (const [se, hi, lo] of images) {
        for (const [name, setup] of setups) {
          for (const empty of [false, true]) {
            // sub esp, 8; fst(p) qword [esp]; pop eax; pop edx
            const code = [0x83, 0xec, 0x08, 0xdd, pop ? 0x1c : 0x14, 0x24, 0x58, 0x5a];
            const fill = (x: X87Fpu): void => { if (!empty) x.ldF80(lo, hi, se); setup(x); };
            const { cpu } = snippetCpu(Uint8Array.from(code), ZERO);
            fill(cpu.x87);
            for (;;) {
              const e = cpu.run(1_000_000);
              if (e.kind === "halt" || e.kind === "fault") break;
            }
            const ref = new X87Fpu();
            ref.init();
            fill(ref);
            const what = `${se.toString(16)}:${(hi >>> 0).toString(16)}:${(lo >>> 0).toString(16)}, ${name}${empty ? ", empty" : ""}, ${pop ? "fstp" : "fst"}`;
            if (ref.stF64()) {
              if (pop) ref.pop();
              expect([cpu.eax | 0, cpu.edx | 0], what).to.deep.equal([ref.w0 | 0, ref.w1 | 0]);
            }
            const got = cpu.x87.saveState(), want = ref.saveState();
            expect([got.status, got.empty, got.regs], what).to.deep.equal([want.status, want.empty, want.regs]);
          }
        }
      }
    }
  });
});

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
