// Blocks that run on into a second page (issue 14: a jump-table call into libpv, mapped pages away from the
// caller). In flat code a block may follow a near transfer to its usual target (likelyTarget) on a page the read
// TLB holds executable, as it follows one within its own page; the block then depends on that page's bytes
// (written: the block is dropped), on its mapping (changed: the block is compiled again), and a template of it on
// both. Every register, cycle and port time must be what single steps give, at any budget.
import { expect } from "chai";
import { TEMPLATES } from "../../../kernel/cpu/block-templates";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import type { PortIo } from "../../../kernel/cpu/io";
import type { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";
import { cpuState } from "../../support/slices";
import { d32 } from "./snippets";

const PASSES = 1000;
/** The function, three pages above the caller's: `add ebx, 1 ; ret`. */
const FUNC = CODE + 0x3000;
const SLOT = CODE + 0x80;
/** The immediate of the caller's `add esi, 1`. */
const ADD_ESI = CODE + 0x0d;
// 0x00: mov ecx, PASSES
// 0x05: call [SLOT]            (SLOT holds FUNC: an import's jump-table slot)
// 0x0b: add esi, 1 ; out 0x80, al ; dec ecx ; jnz 0x05 ; hlt
// The loop becomes one block: FUNC's, which returns into the caller's page (its second) and calls itself again.
const CALLER = [
  0xb9, ...d32(PASSES),
  0xff, 0x15, ...d32(SLOT),
  0x83, 0xc6, 0x01, 0xe6, 0x80, 0x49, 0x75, 0xf2, 0xf4,
  ...new Array<number>(0x80 - 0x14).fill(0x90),
  ...d32(FUNC),
];
const FUNC_BYTES = [0x83, 0xc3, 0x01, 0xc3];

const PD = 0x90000;
const PT = 0x91000;
/** A second physical copy of the caller's page, adding 3 to esi. */
const COPY = 0x40000;

/** A loop whose body only FUNC's block reads, once it runs on into it: the body lies on its own page and its own
 * 64-byte line; after each inner loop the outer code (on the first page) adds 1 to the body's `add esi` immediate.
 * That store drops every block of the body's page; FUNC's block, compiled again, goes on into the body at once (the
 * profile remembers its RET's target), so the next store is seen only through the code marks FUNC's block put on
 * its second page.
 * page A, 0x00: mov edi, 4 ; mov ecx, 250 ; jmp B
 *         0x0f: inc byte [B + 0x42] ; dec edi ; jnz 0x05 ; hlt
 * page B, 0x00: call [SLOT] ; jmp 0x40
 *         0x08: dec ecx ; jnz 0x00 ; jmp A + 0x0f
 *         0x40: add esi, 1 ; out 0x80, al ; jmp 0x08 */
const BODY = CODE + 0x1000;
const OUTER = [
  0xbf, ...d32(4), 0xb9, ...d32(250), 0xe9, ...d32(BODY - (CODE + 0x0f)),
  0xfe, 0x05, ...d32(BODY + 0x42), 0x4f, 0x75, 0xed, 0xf4,
  ...new Array<number>(0x80 - 0x19).fill(0x90),
  ...d32(FUNC),
  ...new Array<number>(0x1000 - 0x84).fill(0x90),
  0xff, 0x15, ...d32(SLOT), 0xeb, 0x38,
  0x49, 0x75, 0xf5, 0xe9, ...d32(CODE + 0x0f - (BODY + 0x10)),
  ...new Array<number>(0x40 - 0x10).fill(0x90),
  0x83, 0xc6, 0x01, 0xe6, 0x80, 0xeb, 0xc1,
];

/** A loop across the caller's page end, one instruction straddling it: the top three bytes of the immediate of
 * mov eax, 0x44332211 lie on the next page.
 * 0x000: mov ecx, PASSES ; jmp 0xff8
 * 0xff8: add ebx, 1 ; nop ; out 0x80, al ; mov eax, 0x44332211 ; add esi, eax ; dec ecx ; jnz 0xff8 ; hlt */
const STRADDLE = [
  0xb9, ...d32(PASSES), 0xe9, ...d32(0xff8 - 0x0a),
  ...new Array<number>(0xff8 - 0x0a).fill(0x90),
  0x83, 0xc3, 0x01, 0x90, 0xe6, 0x80, 0xb8, 0x11, 0x22, 0x33, 0x44,
  0x01, 0xc6, 0x49, 0x75, 0xf0, 0xf4,
];
/** A copy of the next page where the immediate's 0x22 and 0x33 are 0x55 and 0x66: mov eax, 0x44665511. */
const STRADDLE_COPY = 0x50000;

interface Run {
  readonly state: number[];
  readonly seen: number[];
  readonly esi: number;
  readonly crossPageBlocks: number;
  readonly compiledBlocks: number;
}

/** What acts on the machine at the `at`-th OUT: the device itself (`write`, during the OUT), or the host once the
 * run stopped right after that OUT (`remap`, between two runs, as after a guest's CR3 load ending its block). */
interface Change {
  readonly at: number;
  readonly write?: (mem: PhysicalMemory) => void;
  readonly remap?: (mem: PhysicalMemory, cpu: Cpu) => void;
}

/** Runs `code` (CALLER) to its HLT in slices of `slice` cycles, with `change` at its OUT. */
function run(slice: number, paged = false, change?: Change, code: readonly number[] = CALLER): Run {
  const mem = flatRing0Memory([0xcf], code);
  mem.writeBytes(guestPhys(FUNC), new Uint8Array(FUNC_BYTES));
  mem.writeBytes(guestPhys(COPY), new Uint8Array(CALLER.map((x, i) => (CODE + i === ADD_ESI ? 3 : x))));
  mem.writeBytes(guestPhys(STRADDLE_COPY), new Uint8Array(STRADDLE.slice(0x1000).map((x, i) => (i === 0 ? 0x55 : i === 1 ? 0x66 : x))));
  const seen: number[] = [];
  let cpu: Cpu | undefined = undefined;
  const io: PortIo = {
    read: () => 0,
    write: () => {
      seen.push(cpu!.cycles);
      if (seen.length !== change?.at) return;
      if (change.write !== undefined) change.write(mem);
      else cpu!.requestStop("remap");
    },
  };
  cpu = enterFlatRing0(new Cpu({ memory: mem, io }));
  if (paged) {
    for (let i = 0; i < 256; i++) mem.write32(guestPhys(PT + i * 4), (i << 12) | 3);
    mem.write32(guestPhys(PD), PT | 3);
    cpu.cr3 = PD;
    cpu.cr0 = cpu.cr0 | CR0_PG;
  }
  for (let i = 0; i < 1_000_000 && !cpu.halted; i++) {
    const exit = cpu.run(slice);
    if (exit.kind === "stop") change!.remap!(mem, cpu);
  }
  expect(seen.length).to.equal(PASSES);
  return { state: cpuState(cpu), esi: cpu.esi, seen, crossPageBlocks: cpu.crossPageBlocks, compiledBlocks: cpu.compiledBlocks };
}

/** Runs `code` in single steps, as whole blocks and in odd slices: every run must end in the single steps' state
 * having seen the same port times, and (`cross`) the whole run must have installed a block that runs on into a
 * second page. Returns the single steps' run and the whole one. */
function againstSingleSteps(code: readonly number[], paged = false, change?: Change, cross = true): { steps: Run; whole: Run } {
  const steps = run(1, paged, change, code);
  const whole = run(100_000, paged, change, code);
  if (cross) expect(whole.crossPageBlocks).to.be.greaterThan(0);
  expect(whole.state).to.deep.equal(steps.state);
  expect(whole.seen).to.deep.equal(steps.seen);
  for (const slice of [7, 13, 29, 61]) {
    const r = run(slice, paged, change, code);
    expect(r.state, `slices of ${slice}`).to.deep.equal(steps.state);
    expect(r.seen, `slices of ${slice}`).to.deep.equal(steps.seen);
  }
  return { steps, whole };
}

describe("kernel/cpu: blocks that run on into a second page", () => {
  it("follows a call through a slot into another page, and matches single steps at every budget", () => {
    const { steps, whole } = againstSingleSteps(CALLER);
    expect(steps.crossPageBlocks).to.equal(0); // single steps never read a second page
    expect(whole.state[1]).to.equal(PASSES); // ebx: one add per pass in FUNC
    expect(whole.esi).to.equal(PASSES); // and one in the caller
  });

  it("drops a block when its second page is written, and stops it when it is the block running", () => {
    // Past the learning passes the loop is FUNC's block; at the 600th OUT a device writes the caller's immediate
    // (add esi, 2) on that block's second page: the rest of the passes must add 2.
    const at = 600;
    const { whole } = againstSingleSteps(CALLER, false, { at, write: (mem) => mem.write8(guestPhys(ADD_ESI), 2) });
    expect(whole.esi).to.equal(at + 2 * (PASSES - at));
  });

  it("compiles a block again when its second page is mapped elsewhere", () => {
    // Under paging, after the 600th OUT the caller's linear page (FUNC's block's second) is mapped to COPY (add
    // esi, 3) and the TLB flushed, as a page-table write and a CR3 load would: the block must not go on with the
    // old page's code.
    const at = 600;
    const remap = (mem: PhysicalMemory, cpu: Cpu): void => {
      mem.write32(guestPhys(PT + (CODE >>> 12) * 4), COPY | 3);
      cpu.flushTlb();
    };
    const { whole } = againstSingleSteps(CALLER, true, { at, remap });
    expect(whole.esi).to.equal(at + 3 * (PASSES - at));
  });

  it("marks the code it reads on its second page: a write there no other block covers drops it", () => {
    const { whole } = againstSingleSteps(OUTER);
    expect(whole.esi).to.equal(250 * (1 + 2 + 3 + 4));
    expect(whole.state[1]).to.equal(PASSES);
  });

  it("decodes an instruction straddling into a page mapped elsewhere again", () => {
    // The remap comes right after an OUT: the straddling instruction is the next one, looked up before anything
    // brought its second page into the TLB again (its block translates it, as fetching it would).
    const at = 600;
    const remap = (mem: PhysicalMemory, cpu: Cpu): void => {
      mem.write32(guestPhys(PT + ((CODE >>> 12) + 1) * 4), STRADDLE_COPY | 3);
      cpu.flushTlb();
    };
    const { steps, whole } = againstSingleSteps(STRADDLE, true, { at, remap }, false);
    const esi = ((0x44332211 * (at - 1) + 0x44665511 * (PASSES - at + 1)) | 0) >>> 0;
    expect(steps.esi).to.equal(esi); // single steps: the straddling instruction's own block, translated again
    expect(whole.esi).to.equal(esi);
  });

  it("keeps such a block as a template for the next machine, reused only where its second page holds the same bytes", () => {
    TEMPLATES.clear(); // other tests' variants of these blocks would take the per-address places
    const first = run(100_000);
    const again = run(100_000);
    expect(again.compiledBlocks).to.equal(0); // every block came from a template, those that run on into a second page too
    expect(again.crossPageBlocks).to.be.greaterThan(0);
    expect(again.state).to.deep.equal(first.state);
    // The caller's page (the second page of FUNC's looping block) now adds 5: FUNC's page is the same, so only the
    // second page's bytes tell that template apart.
    const { whole } = againstSingleSteps(CALLER.map((x, i) => (CODE + i === ADD_ESI ? 5 : x)));
    expect(whole.esi).to.equal(5 * PASSES);
  });
});
