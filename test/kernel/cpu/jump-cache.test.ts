// The jump cache (Cpu.jumpBlock): a transfer that a block's two chain links miss (a jump table, a RET to one
// of many call sites) finds its block by EIP without a translation and a cache lookup. An entry holds only in
// the epoch it was made in, so a block is never served after the translations or code it was compiled from
// changed. The runs must be what single steps give.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import type { PortIo } from "../../../kernel/cpu/io";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";
import { cpuState, runInSlices } from "../../support/slices";
import { d32 } from "./snippets";

const ITERATIONS = 300;
const TABLE = CODE + 0x50;
// 0x00: mov ecx, ITERATIONS
// 0x05: imul edx, edx, 1103515245 ; add edx, 12345 ; mov eax, edx ; shr eax, 16 ; and eax, 3 ; jmp [eax*4 + TABLE]
// 0x20, 0x25, 0x2a, 0x2f: add ebx, 1 / 2 / 3 / 4 ; jmp 0x40
// 0x40: out 0x80, al ; dec ecx ; jnz 0x05 ; hlt
// The jump goes to four targets in a pseudo-random order, from every block that ends with it: no target is
// usual enough to be followed (likelyTarget), and two chain links cannot hold the four.
const SITE3 = 0x2a;
const FOUR_SITES = [
  0xb9, ...d32(ITERATIONS),
  0x69, 0xd2, ...d32(1103515245), 0x81, 0xc2, ...d32(12345), 0x89, 0xd0, 0xc1, 0xe8, 0x10, 0x83, 0xe0, 0x03,
  0xff, 0x24, 0x85, ...d32(TABLE),
  0x83, 0xc3, 0x01, 0xeb, 0x1b,
  0x83, 0xc3, 0x02, 0xeb, 0x16,
  0x83, 0xc3, 0x03, 0xeb, 0x11,
  0x83, 0xc3, 0x04, 0xeb, 0x0c,
  ...new Array<number>(12).fill(0x90),
  0xe6, 0x80, 0x49, 0x75, 0xc0, 0xf4,
  ...new Array<number>(10).fill(0x90),
  ...[0x20, 0x25, 0x2a, 0x2f].flatMap((off) => d32(CODE + off)),
];

const PD = 0x90000;
const PT = 0x91000;
/** A second physical copy of the code page, differing at SITE3: `add ebx, 7`. */
const COPY = 0x20000;

/** FOUR_SITES under paging (the first MiB identity-mapped). At its `remapAt`-th OUT, the device maps the code
 * page to COPY and flushes the TLB, as a guest's page-table write and CR3 load would. */
function pagedRun(slice: number, remapAt: number): number[] {
  const mem = flatRing0Memory([0xcf], FOUR_SITES);
  const copy = [...FOUR_SITES];
  copy[SITE3 + 2] = 0x07;
  mem.writeBytes(guestPhys(COPY), new Uint8Array(copy));
  for (let i = 0; i < 256; i++) mem.write32(guestPhys(PT + i * 4), (i << 12) | 3);
  mem.write32(guestPhys(PD), PT | 3);
  let outs = 0;
  let cpu: Cpu | undefined = undefined;
  const io: PortIo = {
    read: () => 0,
    write: () => {
      if (++outs !== remapAt) return;
      mem.write32(guestPhys(PT + (CODE >>> 12) * 4), COPY | 3);
      cpu!.flushTlb();
    },
  };
  cpu = enterFlatRing0(new Cpu({ memory: mem, io }));
  cpu.cr3 = PD;
  cpu.cr0 = cpu.cr0 | CR0_PG;
  for (let i = 0; i < 1_000_000 && !cpu.halted; i++) cpu.run(slice);
  expect(outs).to.equal(ITERATIONS);
  return cpuState(cpu);
}

describe("kernel/cpu: the jump cache", () => {
  it("serves a jump to four targets after the first passes, and the run matches single steps", () => {
    const steps = runInSlices(FOUR_SITES, 1);
    const whole = runInSlices(FOUR_SITES, 100_000);
    expect(whole.state).to.deep.equal(steps.state);
    expect(whole.seen).to.deep.equal(steps.seen);
    // Each target is filled once (again only when a decision compiles a block again), not on every pass: 162
    // fills when the cache is never read.
    expect(whole.cpu.jumpFills).to.be.below(40);
    for (const slice of [7, 13, 29]) expect(runInSlices(FOUR_SITES, slice).state, `slices of ${slice}`).to.deep.equal(steps.state);
  });

  it("never serves a block across a change of translation: the code page mapped elsewhere runs the new code", () => {
    const remapAt = ITERATIONS / 3;
    const steps = pagedRun(1, remapAt);
    const whole = pagedRun(100_000, remapAt);
    expect(whole).to.deep.equal(steps);
    // The third target adds 7 instead of 3 after the remap: the sum differs from a run that never remaps.
    expect(whole[1]).to.be.above(pagedRun(100_000, 0)[1]!);
  });
});
