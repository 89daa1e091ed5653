import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { bulkMove, bulkStore, elementsInPage } from "../../../kernel/cpu/string-bulk";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { d32 } from "./snippets";

const CODE = 0x10000;
const DATA = 0x100000;
const SPAN = 0x10000;

/** Seeded xorshift32: deterministic test inputs. */
function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

interface Case { op: number; size: 1 | 2 | 4; down: boolean; esi: number; edi: number; ecx: number; eax: number }

/** cld/std; rep <op>; hlt, with the data area filled from `seed`. */
function machine(c: Case, seed: number, bulk: boolean, paging: boolean): Cpu {
  const mem = new PhysicalMemory(0x400000);
  const rnd = rng(seed);
  const data = new Uint8Array(SPAN);
  for (let i = 0; i < SPAN; i++) data[i] = rnd(256);
  mem.writeBytes(guestPhys(DATA), data);
  const code = [c.down ? 0xfd : 0xfc, ...(c.size === 2 ? [0x66] : []), 0xf3, c.size === 1 ? c.op : c.op + 1, 0xf4];
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  cpu.bulkStrings = bulk;
  if (paging) {
    // Identity-map the first 4 MiB, except DATA+0x3000 (not present) and DATA+0x5000 (read-only, WP on).
    const pd = 0x200000;
    const pt = 0x201000;
    mem.write32(guestPhys(pd), pt | 7);
    for (let i = 0; i < 1024; i++) {
      const a = i << 12;
      const flags = a === DATA + 0x3000 ? 0 : a === DATA + 0x5000 ? 5 : 7;
      mem.write32(guestPhys(pt + i * 4), a | flags);
    }
    cpu.cr3 = pd;
    cpu.cr0 = cpu.cr0 | CR0_PG | (1 << 16);
  }
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  cpu.esi = c.esi;
  cpu.edi = c.edi;
  cpu.ecx = c.ecx;
  cpu.eax = c.eax;
  return cpu;
}

/** Runs in slices of random budgets and records the state at every exit. */
function trace(cpu: Cpu, seed: number): string[] {
  const rnd = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < 200; i++) {
    const e = cpu.run(1 + rnd(rnd(2) === 0 ? 40 : 3000));
    out.push(`${JSON.stringify(e)} eip=${cpu.eip} ecx=${cpu.ecx} esi=${cpu.esi} edi=${cpu.edi} cyc=${cpu.cycles} ins=${cpu.instructions} cr2=${cpu.cr2}`);
    if (e.kind !== "budget") break;
  }
  return out;
}

function randomCase(rnd: (n: number) => number): Case {
  const op = rnd(2) === 0 ? 0xa4 : 0xaa;
  const size = ([1, 2, 4] as const)[rnd(3)]!;
  const down = rnd(2) === 0;
  const esi = DATA + 0x200 + rnd(SPAN - 0x400);
  const near = rnd(3) === 0;
  const edi = near ? esi + rnd(41) - 20 : DATA + 0x200 + rnd(SPAN - 0x400);
  const max = Math.floor((down ? Math.min(esi, edi) - DATA : DATA + SPAN - Math.max(esi, edi)) / size) - 1;
  const ecx = rnd(3) === 0 ? rnd(Math.min(max, 20)) : rnd(Math.max(1, Math.min(max, 9000)));
  const eax = rnd(4) === 0 ? 0 : rnd(0x7fffffff);
  return { op, size, down, esi, edi, ecx, eax };
}

describe("kernel/cpu/string-bulk", () => {
  it("elementsInPage counts whole elements inside the page in either direction", () => {
    expect(elementsInPage(0, 4, false)).to.equal(1024);
    expect(elementsInPage(4093, 4, false)).to.equal(0);
    expect(elementsInPage(4092, 4, false)).to.equal(1);
    expect(elementsInPage(4092, 4, true)).to.equal(1024);
    expect(elementsInPage(1, 2, true)).to.equal(1);
    expect(elementsInPage(4095, 1, true)).to.equal(4096);
  });

  it("bulkStore and bulkMove equal element-by-element execution, overlaps included", () => {
    const rnd = rng(7);
    for (let t = 0; t < 2000; t++) {
      const bytes = ([1, 2, 4] as const)[rnd(3)]!;
      const down = rnd(2) === 0;
      const k = 1 + rnd(60);
      const src = 300 + rnd(200);
      const dst = rnd(2) === 0 ? src + rnd(17) - 8 : 300 + rnd(200);
      const a = new Uint8Array(1024);
      for (let i = 0; i < a.length; i++) a[i] = rnd(256);
      const b = a.slice();
      const value = rnd(3) === 0 ? 0x01010101 * rnd(256) : rnd(0x7fffffff);
      const step = down ? -bytes : bytes;
      if (t % 2 === 0) {
        bulkMove(a, dst, src, bytes, down, k);
        for (let i = 0; i < k; i++) {
          const s = src + i * step;
          const v = b.slice(s, s + bytes);
          b.set(v, dst + i * step);
        }
      } else {
        const v = value & (bytes === 4 ? -1 : (1 << (8 * bytes)) - 1);
        const at = rnd(2) === 0 ? dst & ~3 : dst;
        bulkStore(a, new Int32Array(a.buffer), at, bytes, down, k, v);
        for (let i = 0; i < k; i++) for (let j = 0; j < bytes; j++) b[at + i * step + j] = (v >> (8 * j)) & 0xff;
      }
      expect(Array.from(a)).to.deep.equal(Array.from(b), `case ${t}`);
    }
  });

  it("bulkStore writes the value in every element", () => {
    const a = new Uint8Array(64);
    bulkStore(a, new Int32Array(a.buffer), 9, 4, false, 3, 0x11223344);
    expect(Array.from(a.subarray(9, 21))).to.deep.equal([0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11]);
    bulkStore(a, new Int32Array(a.buffer), 40, 4, true, 2, 0x55667788);
    expect(Array.from(a.subarray(36, 44))).to.deep.equal([0x88, 0x77, 0x66, 0x55, 0x88, 0x77, 0x66, 0x55]);
    bulkStore(a, new Int32Array(a.buffer), 50, 2, true, 3, 0xabcd);
    expect(Array.from(a.subarray(46, 52))).to.deep.equal([0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab]);
  });

  for (const paging of [false, true]) {
    it(`REP MOVS/STOS give the same memory, registers, cycles and faults with and without the bulk path${paging ? " (paging, #PF mid-string, read-only page)" : ""}`, () => {
      const rnd = rng(paging ? 99 : 42);
      for (let t = 0; t < 60; t++) {
        const c = randomCase(rnd);
        const seed = 1 + rnd(1000);
        const fast = machine(c, seed, true, paging);
        const slow = machine(c, seed, false, paging);
        const tf = trace(fast, seed);
        const ts = trace(slow, seed);
        const what = JSON.stringify(c);
        expect(tf, what).to.deep.equal(ts);
        // The whole RAM, page tables (accessed/dirty bits) included.
        expect(Buffer.compare(fast.mem.u8, slow.mem.u8), what).to.equal(0);
      }
    });
  }

  it("code written by REP MOVS across a page runs afterwards", () => {
    const mem = new PhysicalMemory(0x200000);
    const target = CODE + 0x1000;
    const nops = 64;
    // call target; mov esi,DATA; mov edi,target; mov ecx,nops; rep movsb; call target; hlt
    const code = [
      0xe8, ...d32(target - (CODE + 5)),
      0xbe, ...d32(DATA), 0xbf, ...d32(target), 0xb9, ...d32(nops), 0xf3, 0xa4,
      0xe8, ...d32(target - (CODE + 27)), 0xf4,
    ];
    mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
    mem.writeBytes(guestPhys(target), new Uint8Array([...new Array<number>(nops).fill(0x90), 0xc3]));
    mem.writeBytes(guestPhys(DATA), new Uint8Array(nops).fill(0x40)); // inc eax
    const cpu = new Cpu({ memory: mem, io: NO_PORTS });
    cpu.eip = CODE;
    cpu.esp = 0x80000;
    expect(cpu.run(10_000).kind).to.equal("halt");
    expect(cpu.eax).to.equal(nops);
  });
});
