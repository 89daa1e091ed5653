// The x87 model's cost per operation, in this process and without a guest: bench:x87's second table. Each operation
// runs on a fixed set of operands (doubles loaded as a guest's FLD m64 would, in the domain the instruction
// documents; FILD m64 on 64-bit integers) in a loop that loads them, runs it and pops what it leaves; the figure is the median over runs of the
// host time per operation. A first run of every operation warms the host JIT and is not counted.
import { X87Fpu } from "../cpu/x87/fpu";
import { Op as Arith } from "../cpu/x87/x87";
import { median } from "./stats";

/** One operation: its name and a step that runs it once on operand set `i`. */
export interface TimedOp {
  readonly name: string;
  readonly step: (x: X87Fpu, i: number) => void;
}

/** A double as the two 32-bit halves FLD m64 reads. */
function halves(v: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  return [view.getUint32(0, true), view.getUint32(4, true)];
}

const ANY = [0.1, 0.7, 1.3, 2.9, -0.4, 3.1, 17.25, -123.5].map(halves);
const UNIT = [0.1, 0.7, -0.3, 0.9, -0.4, 0.05, 0.33, -0.77].map(halves);
const POSITIVE = [0.1, 0.7, 1.3, 2.9, 0.4, 3.1, 17.25, 123.5].map(halves);
const SMALL = [0.1, 0.2, -0.1, 0.25, -0.2, 0.05, 0.15, -0.27].map(halves);
/** 64-bit integers as FILD m64 reads them (low word, high word). */
const LONGS: readonly [number, number][] = [[5, 0], [1000000007, 0], [-3, -1], [0xbe991a14, 28], [0xdb2c3e6, -3], [42, 0], [0, 1], [-1, -1]];

function ld(x: X87Fpu, set: readonly [number, number][], i: number): void {
  const [lo, hi] = set[i & 7]!;
  x.ldF64(lo, hi);
}

/** The operations timed, in table order (exported for the test that checks each leaves the stack as it found it). */
export const X87_OPS: readonly TimedOp[] = [
  { name: "FLD+FSTP m64", step: (x, i) => { ld(x, ANY, i); x.stF64(); x.pop(); } },
  { name: "FADD m64", step: (x, i) => { ld(x, ANY, i); x.arF64(Arith.Add, ANY[(i + 3) & 7]![0], ANY[(i + 3) & 7]![1]); x.pop(); } },
  { name: "FMUL", step: (x, i) => { ld(x, ANY, i); ld(x, ANY, i + 3); x.arR(Arith.Mul, 1, 0, true); x.pop(); } },
  { name: "FDIV m64", step: (x, i) => { ld(x, ANY, i); x.arF64(Arith.Div, POSITIVE[(i + 3) & 7]![0], POSITIVE[(i + 3) & 7]![1]); x.pop(); } },
  { name: "FCOMIP", step: (x, i) => { ld(x, ANY, i); ld(x, ANY, i + 3); x.comi(1, false, true); x.pop(); } },
  { name: "FISTP m32", step: (x, i) => { ld(x, ANY, i); x.stInt(32, false); x.pop(); } },
  { name: "FST m32", step: (x, i) => { ld(x, ANY, i); x.stF32(); x.pop(); } },
  { name: "FSQRT", step: (x, i) => { ld(x, POSITIVE, i); x.unary("sqrt"); x.pop(); } },
  { name: "FRNDINT", step: (x, i) => { ld(x, ANY, i); x.unary("rndint"); x.pop(); } },
  { name: "FISTP64", step: (x, i) => { ld(x, ANY, i); x.stInt(64, false); x.pop(); } },
  { name: "FILD64", step: (x, i) => { x.ldI64(LONGS[i & 7]![0], LONGS[i & 7]![1]); x.pop(); } },
  { name: "FSCALE", step: (x, i) => { ld(x, SMALL, i); ld(x, ANY, i + 3); x.fscale(); x.pop(); x.pop(); } },
  { name: "FXTRACT", step: (x, i) => { ld(x, ANY, i); x.fxtract(); x.pop(); x.pop(); } },
  { name: "FPREM", step: (x, i) => { ld(x, POSITIVE, i); ld(x, ANY, i + 3); x.fprem(false); x.pop(); x.pop(); } },
  { name: "FSIN", step: (x, i) => { ld(x, ANY, i); x.unary("sin"); x.pop(); } },
  { name: "FCOS", step: (x, i) => { ld(x, ANY, i); x.unary("cos"); x.pop(); } },
  { name: "FSINCOS", step: (x, i) => { ld(x, ANY, i); x.fsincos(); x.pop(); x.pop(); } },
  { name: "FPTAN", step: (x, i) => { ld(x, ANY, i); x.fptan(); x.pop(); x.pop(); } },
  { name: "FPATAN", step: (x, i) => { ld(x, ANY, i); ld(x, ANY, i + 3); x.binary("fpatan"); x.pop(); } },
  { name: "F2XM1", step: (x, i) => { ld(x, UNIT, i); x.unary("f2xm1"); x.pop(); } },
  { name: "FYL2X", step: (x, i) => { ld(x, ANY, i); ld(x, POSITIVE, i + 3); x.binary("fyl2x"); x.pop(); } },
  { name: "FYL2XP1", step: (x, i) => { ld(x, ANY, i); ld(x, SMALL, i + 3); x.binary("fyl2xp1"); x.pop(); } },
];

/** An operation's median host time per operation in microseconds. */
export interface OpCost {
  readonly name: string;
  readonly us: number;
}

/** Times each operation `count` times per run over `runs` runs, after one warm-up run of every operation (warming
 * each just before its own runs left the first ones timed while the loads and stores they share were still being
 * optimised: the first row read twice its later figure). */
export function measureX87Ops(runs: number, count: number, now: () => bigint): OpCost[] {
  const x = new X87Fpu();
  x.init();
  for (const op of X87_OPS) for (let i = 0; i < count; i++) op.step(x, i);
  return X87_OPS.map((op) => {
    const per: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = now();
      for (let i = 0; i < count; i++) op.step(x, i);
      per.push(Number(now() - t0) / count / 1000);
    }
    return { name: op.name, us: median(per) };
  });
}
