// Golden tests of the block compiler: representative guest blocks are compiled and their dump (listing and
// generated JavaScript, as `boot --dump-blocks` prints it) is compared with test/kernel/cpu/decoder/golden/*.txt,
// so a lost optimisation (a flag store no longer dropped, a loop no longer inside the function, an inline
// stack access turned into a helper call) shows as a diff. UPDATE_EXPECTED=1 rewrites the files (review the diff!).
import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { resolve } from "path";
import { DEFAULT_COST_MODEL } from "../../../../kernel/cpu/cost-model";
import { formatBlock } from "../../../../kernel/cpu/decoder/block-dump";
import { compileBlock, decodeRun, MAX_BLOCK } from "../../../../kernel/cpu/decoder/block-builder";
import { disasmLine, mnemonic } from "../../../../kernel/cpu/decoder/disasm";
import { RUNTIME_MEMBERS } from "../../../../kernel/cpu/decoder/runtime";
import { flat32Mode, SegMode } from "../../../../kernel/cpu/seg-mode";

const DIR = resolve(__dirname, "..", "..", "..", "..", "..", "test", "kernel", "cpu", "decoder", "golden");
const EIP = 0x101000;

interface Case {
  readonly name: string;
  readonly what: string;
  readonly code: readonly number[];
  readonly segMode: number;
  /** Decode as the CPU does for whole blocks: through JMP rel within the page (superblocks). */
  readonly follow?: boolean;
  /** Compile as an exact run's tail (Cpu.lookupCounted): linear, with a budget check before each instruction. */
  readonly counted?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: "counted-loop",
    what: "a loop inside one function: only the flags DEC leaves for JNZ are kept, the ADD's store is dropped",
    // top: inc eax; add ebx, 2; dec ecx; jnz top; ret
    code: [0x40, 0x83, 0xc3, 0x02, 0x49, 0x75, 0xf9, 0xc3],
    segMode: flat32Mode(0),
  },
  {
    name: "compare-branch",
    what: "CMP + JL compares the block locals directly; the not-taken branch is a side exit",
    // cmp eax, ebx; jl +2; mov eax, ebx; mov [esi+8], eax; ret
    code: [0x39, 0xd8, 0x7c, 0x02, 0x89, 0xd8, 0x89, 0x46, 0x08, 0xc3],
    segMode: flat32Mode(3),
  },
  {
    name: "stack-frame",
    what: "flat 32-bit stack: PUSH/POP inline on ESP with one store each, a call as the block end",
    // push ebp; mov ebp, esp; push ebx; mov eax, [ebp+8]; pop ebx; pop ebp; call +0x10
    code: [0x55, 0x89, 0xe5, 0x53, 0x8b, 0x45, 0x08, 0x5b, 0x5d, 0xe8, 0x10, 0x00, 0x00, 0x00],
    segMode: flat32Mode(0),
  },
  {
    name: "read-modify-write",
    what: "memory RMW (the zeroed-RAM case of issue 15): a stop check after each store, no fault index for register code",
    // add [eax], al; add [eax], al; mov ecx, edx; add [eax], al; hlt
    code: [0x00, 0x00, 0x00, 0x00, 0x89, 0xd1, 0x00, 0x00, 0xf4],
    segMode: flat32Mode(0),
  },
  {
    name: "segmented-16bit",
    what: "a non-flat DS and an operand-size prefix: the segment check stays, 16-bit writes keep the upper half",
    // mov ax, [ebx]; add ax, 1; mov [ebx], ax; ret
    code: [0x66, 0x8b, 0x03, 0x66, 0x83, 0xc0, 0x01, 0x66, 0x89, 0x03, 0xc3],
    segMode: flat32Mode(0) & ~SegMode.FlatDS,
  },
  {
    name: "superblock-jump",
    what: "a JMP rel is followed (it compiles to nothing) and the JNE back to the start becomes a loop in the function",
    // top: mov [edx], ebx; mov edx, ebx; mov ebx, [ebx]; jmp L; int3 x4; L: test eax, eax; jne top; ret
    code: [0x89, 0x1a, 0x89, 0xda, 0x8b, 0x1b, 0xeb, 0x04, 0xcc, 0xcc, 0xcc, 0xcc, 0x85, 0xc0, 0x75, 0xf0, 0xc3],
    segMode: flat32Mode(0),
    follow: true,
  },
  {
    name: "inline-memory",
    what: "TLB hits done in the block at CPL 3 (user bit): 32-bit load and store with an alignment test, a byte RMW, a 16-bit load through the CPU",
    // mov eax, [ebx+4]; mov [ecx], eax; add byte [edx], 1; mov si, [esi]; ret
    code: [0x8b, 0x43, 0x04, 0x89, 0x01, 0x80, 0x02, 0x01, 0x66, 0x8b, 0x36, 0xc3],
    segMode: flat32Mode(3),
  },
  {
    name: "unpaged-reads",
    what: "paging off: loads test the flat read window (wb, wn) and read RAM at once, stores still go through the write TLB",
    // mov eax, [ebx+4]; mov [ecx], eax; add byte [edx], 1; mov si, [esi]; ret
    code: [0x8b, 0x43, 0x04, 0x89, 0x01, 0x80, 0x02, 0x01, 0x66, 0x8b, 0x36, 0xc3],
    segMode: flat32Mode(0) | SegMode.Unpaged,
  },
  {
    name: "multiply-accumulate",
    what: "bench-matrix's inner loop: each producer that has no carry of its own sets lc = 0, so IMUL's carry (a float multiply) is dead",
    // top: mov edx, [ecx]; add eax, 0x60; add ecx, 4; imul edx, [eax-0x60]; add ebx, edx; cmp eax, esi; jne top; ret
    code: [0x8b, 0x11, 0x83, 0xc0, 0x60, 0x83, 0xc1, 0x04, 0x0f, 0xaf, 0x50, 0xa0, 0x01, 0xd3, 0x39, 0xf0, 0x75, 0xee, 0xc3],
    segMode: flat32Mode(0),
  },
  {
    name: "port-io",
    what: "PUSHF/CLI/IN/OUT/POPF inside one block: IN/OUT get the cycles charged after them, POPF and OUT a stop check",
    // pushfd; cli; in al, dx; out 0x80, al; popfd; inc eax; ret
    code: [0x9c, 0xfa, 0xec, 0xe6, 0x80, 0x9d, 0x40, 0xc3],
    segMode: flat32Mode(0),
  },
  {
    name: "counted-tail",
    what: "an exact run's tail: before each instruction after the first, a budget check that leaves there, as a single step would stop",
    // mov edx, [ecx]; add eax, 0x60; add ecx, 4; cmp eax, esi; jne -x; ret
    code: [0x8b, 0x11, 0x83, 0xc0, 0x60, 0x83, 0xc1, 0x04, 0x39, 0xf0, 0x75, 0xf4, 0xc3],
    segMode: flat32Mode(0),
    counted: true,
  },
];

function dumpOf(c: Case): string {
  const fetch = (off: number): number => c.code[off] ?? -1;
  const insns = decodeRun(fetch, EIP, c.segMode, MAX_BLOCK, DEFAULT_COST_MODEL, { follow: c.follow ?? false });
  const counted = c.counted ?? false;
  const compiled = compileBlock(insns, counted, undefined, counted);
  return `# ${c.what}\n${formatBlock(insns, fetch, EIP, compiled.prefix[compiled.count]!, compiled.source, disasmLine, counted ? "counted" : "")}`;
}

describe("kernel/cpu/decoder: golden compiled blocks", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.what}`, () => {
      const file = resolve(DIR, `${c.name}.txt`);
      const got = dumpOf(c);
      if (process.env["UPDATE_EXPECTED"] === "1") writeFileSync(file, got);
      expect(existsSync(file), `${file} missing (UPDATE_EXPECTED=1 writes it)`).to.equal(true);
      expect(got).to.equal(readFileSync(file, "utf8"));
    });
  }

  it("generated code names only BlockRuntime members", () => {
    const allowed = new Set<string>(RUNTIME_MEMBERS);
    const bad = new Set<string>();
    // Every one-byte opcode and every 0F opcode, register and memory ModRM forms, flat 32-bit and segmented.
    for (const segMode of [flat32Mode(0), flat32Mode(3) & ~SegMode.FlatDS]) {
      for (let op = 0; op < 0x200; op++) {
        for (const modrm of [0xc1, 0x03, 0x44, 0x9b]) {
          const bytes = op < 0x100 ? [op, modrm, 0x24, 1, 2, 3, 4, 5, 6, 7] : [0x0f, op & 0xff, modrm, 0x24, 1, 2, 3, 4, 5, 6];
          const source = compileBlock(decodeRun((off) => bytes[off] ?? -1, EIP, segMode, 1, DEFAULT_COST_MODEL), true).source;
          for (const m of source.matchAll(/\bs\.([A-Za-z_][A-Za-z0-9_]*)/g)) if (!allowed.has(m[1]!)) bad.add(`${m[1]!} (opcode ${op.toString(16)})`);
        }
      }
    }
    expect([...bad]).to.deep.equal([]);
  });

  it("the listing names instructions", () => {
    expect(mnemonic([0xf3, 0xa5])).to.equal("rep movs");
    expect(mnemonic([0x83, 0xc3, 0x02])).to.equal("add");
    expect(mnemonic([0x83, 0xfb, 0x02])).to.equal("cmp");
    expect(mnemonic([0x0f, 0x84, 0, 0, 0, 0])).to.equal("je");
    expect(mnemonic([0xff, 0xd0])).to.equal("call");
    expect(mnemonic([0xf0, 0x0f, 0xb1, 0x0a])).to.equal("lock cmpxchg");
  });
});
