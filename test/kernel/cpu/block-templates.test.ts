// Block templates (issue 14): a block compiled by one Cpu is reused by the next one of the process that
// meets the same code compiled the same way, and only then. Reuse must be invisible but for host time:
// registers, cycles and instruction counts are the first machine's; a changed byte or a changed profile
// answer (here: a Jcc whose taken side is inlined after the block's first runs) compiles again.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { MAX_TEMPLATE_CHARS, TEMPLATES, TemplateCache, templateKey, type Template } from "../../../kernel/cpu/block-templates";
import type { Compiled } from "../../../kernel/cpu/decoder/block-builder";
import type { PortIo } from "../../../kernel/cpu/io";
import { enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

// 0x00: mov ecx, 1000
// 0x05: test cl, 1 ; jz 0x0f ; add eax, STEP ; jmp 0x12
// 0x0f: add ebx, 5
// 0x12: out 0x80, al ; dec ecx ; jnz 0x05
// 0x17: hlt
// The JZ goes either way from pass to pass: the loop's block is compiled again with its taken side inlined
// (a profile answer that changes: Cpu.inlinedJcc), so its address gets two templates.
function program(step: number): number[] {
  return [
    0xb9, 0xe8, 0x03, 0x00, 0x00,
    0xf6, 0xc1, 0x01, 0x74, 0x05, 0x83, 0xc0, step, 0xeb, 0x03,
    0x83, 0xc3, 0x05,
    0xe6, 0x80, 0x49, 0x75, 0xee,
    0xf4,
  ];
}

const io: PortIo = { read: () => 0, write: () => undefined };

function run(step: number): { state: number[]; compiled: number; reused: number; bytes: number; inlined: number } {
  const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], program(step)), io }));
  for (let i = 0; i < 100_000 && !cpu.halted; i++) cpu.run(1000);
  expect(cpu.halted).to.equal(true);
  return {
    state: [cpu.eax, cpu.ebx, cpu.ecx, cpu.edx, cpu.esp, cpu.eip, cpu.getEflags(), cpu.cycles, cpu.instructions],
    compiled: cpu.compiledBlocks,
    reused: cpu.reusedBlocks,
    bytes: cpu.blockCacheStats.bytes,
    inlined: cpu.inlinedJccs,
  };
}

function fakeTemplate(chars: number): Template {
  const compiled = { source: "x".repeat(chars) } as unknown as Compiled;
  return { lo: 0, code: new Uint8Array([1]), second: null, queries: [], compiled, idle: null, followed: null, exits: [] };
}

describe("kernel/cpu: block templates shared by the Cpus of a process", () => {
  beforeEach(() => TEMPLATES.clear());

  it("a second machine reuses every block of the first and runs exactly as it did", () => {
    const first = run(3);
    const second = run(3);
    expect(first.state.slice(0, 3)).to.deep.equal([1500, 2500, 0]);
    expect(second.state).to.deep.equal(first.state);
    expect(first.inlined).to.equal(1);
    expect(second.inlined).to.equal(1);
    expect(first.compiled).to.be.greaterThan(2);
    expect(second.compiled).to.equal(0);
    expect(second.reused).to.equal(first.compiled);
  });

  it("takes a template only where the profile answers its decode got still hold", () => {
    const first = run(3);
    // Within one machine every compile meets a new question or answer: after the inlining decision the loop's
    // block is compiled again, not taken from the template decoded before it (which left the JZ as an exit).
    expect(first.reused).to.equal(0);
    // The second machine makes the same decision and takes the inlined template then: the same blocks in its cache.
    expect(run(3).bytes).to.equal(first.bytes);
  });

  it("compiles again the blocks whose bytes changed", () => {
    run(3);
    const other = run(4);
    expect(other.state.slice(0, 3)).to.deep.equal([2000, 2500, 0]);
    expect(other.compiled).to.be.greaterThan(0);
  });

  it("keys templates by where a block starts and how it is compiled", () => {
    expect(templateKey(0x1000, 0, 0x3ff, false, true)).to.not.equal(templateKey(0x1000, 0, 0x3ff, true, true));
    expect(templateKey(0x1000, 0, 0x3ff, false, true)).to.not.equal(templateKey(0x1000, 16, 0x3ff, false, true));
    expect(templateKey(0x1000, 0, 0x3ff, false, true)).to.not.equal(templateKey(0x1000, 0, 0x3fe, false, true));
    expect(templateKey(0x1000, 0, 0x3ff, false, true)).to.not.equal(templateKey(0x1000, 0, 0x3ff, false, false));
  });

  it("keeps a bounded number of templates per key and bounded source in all", () => {
    const cache = new TemplateCache();
    const all = [1, 2, 3, 4, 5].map(() => fakeTemplate(10));
    for (const t of all) cache.add(DEFAULT_COST_MODEL, "k", t);
    expect(cache.find(DEFAULT_COST_MODEL, "k", (t) => t === all[0])).to.equal(undefined);
    expect(cache.find(DEFAULT_COST_MODEL, "k", (t) => t === all[4])).to.equal(all[4]);
    const big = fakeTemplate(MAX_TEMPLATE_CHARS - 100);
    cache.add(DEFAULT_COST_MODEL, "big", big);
    expect(cache.find(DEFAULT_COST_MODEL, "k", () => true)).to.not.equal(undefined);
    cache.add(DEFAULT_COST_MODEL, "more", fakeTemplate(100));
    expect(cache.find(DEFAULT_COST_MODEL, "big", () => true)).to.equal(undefined); // past the bound: started over
    expect(cache.find(DEFAULT_COST_MODEL, "more", () => true)).to.not.equal(undefined);
  });
});
