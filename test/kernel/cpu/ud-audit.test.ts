// The #UD audit of kernel/cpu/README.md ("Instruction coverage"): the 486/Pentium/P6 integer and system
// instructions gcc and kernels emit run (or raise the fault the SDM gives them at CPL 0), and what the
// README lists as still #UD is #UD. A new gap or a silent #UD fails here with the instruction's name.
import { expect } from "chai";
import { DATA_BASE, runSnippet } from "../../support/cpu-harness";
import { bytes, d32, regs, ZERO } from "./snippets";

const UD = 6;
const GP = 13;

/** [mnemonic, encoding, fault expected (undefined: runs)] at CPL 0, ESI/EAX pointing at data. */
const CASES: readonly (readonly [string, number[], number | undefined])[] = [
  ["bswap eax", [0x0f, 0xc8], undefined],
  ["xadd ebx, eax", [0x0f, 0xc1, 0xc3], undefined],
  ["cmpxchg ebx, ecx", [0x0f, 0xb1, 0xcb], undefined],
  ["cmpxchg8b [esi]", [0x0f, 0xc7, 0x0e], undefined],
  ["cmove eax, ebx", [0x0f, 0x44, 0xc3], undefined],
  ["cmovns eax, [esi]", [0x0f, 0x49, 0x06], undefined],
  ["rdtsc", [0x0f, 0x31], undefined],
  ["cpuid", [0x0f, 0xa2], undefined],
  ["wbinvd", [0x0f, 0x09], undefined],
  ["invd", [0x0f, 0x08], undefined],
  ["invlpg [esi]", [0x0f, 0x01, 0x3e], undefined],
  ["rdmsr (TSC)", [0xb9, ...d32(0x10), 0x0f, 0x32], undefined],
  ["rdpmc", [0x0f, 0x33], GP],
  ["sysenter with SYSENTER_CS = 0", [0x0f, 0x34], GP],
  ["lar eax, ebx (null selector)", [0x0f, 0x02, 0xc3], undefined],
  ["lsl eax, ebx (null selector)", [0x0f, 0x03, 0xc3], undefined],
  ["arpl bx, ax", [0x63, 0xc3], undefined],
  ["salc", [0xd6], undefined],
  ["fxsave [esi]", [0x0f, 0xae, 0x06], undefined],
  ["ud2", [0x0f, 0x0b], UD],
  ["ud1", [0x0f, 0xb9, 0xc0], UD],
  ["ud0", [0x0f, 0xff, 0xc0], UD],
  ["rsm", [0x0f, 0xaa], UD],
  ["syscall", [0x0f, 0x05], UD],
  ["mov tr6, eax", [0x0f, 0x26, 0xf0], UD],
  ["movaps xmm0, xmm1 (no SSE)", [0x0f, 0x28, 0xc1], UD],
  ["emms (no MMX)", [0x0f, 0x77], UD],
  ["ldmxcsr [esi] (no SSE)", [0x0f, 0xae, 0x16], UD],
  ["icebp", [0xf1], UD],
];

describe("kernel/cpu: the #UD audit (README, Instruction coverage)", () => {
  for (const [name, code, fault] of CASES) {
    it(`${name}: ${fault === undefined ? "runs" : fault === UD ? "#UD" : "#GP"}`, () => {
      const r = runSnippet(bytes(code), regs({ ...ZERO, esi: DATA_BASE, eax: 0, ebx: 0, ecx: 0, edx: 0 }));
      expect(r.exception).to.equal(fault);
    });
  }
});
