// By hand: node dist/test/support/x87-vector-debug.js NAME [max] prints the failing x87 vectors of NAME
// with their inputs (cw, ST0, ST1, memory) and differences. Not a test.
import { readFileSync } from "fs";
import { resolve } from "path";
import type { X87Vector } from "../../scripts/vectors/record-x87";
import { runX87Vector } from "../kernel/cpu/x87-vector-run";

const file = JSON.parse(readFileSync(resolve(__dirname, "..", "..", "..", "test", "vectors", "x87", "vectors.json"), "utf8")) as { vectors: X87Vector[] };
const name = process.argv[2] ?? "";
const max = Number(process.argv[3] ?? "10");
let n = 0;
const le = (h: string): string => h.match(/../g)!.reverse().join("");
for (const v of file.vectors) {
  if (!v.name.startsWith(name)) continue;
  const d = runX87Vector(v);
  if (d === null) continue;
  const i = v.in;
  console.log(`${v.name} cw=${le(i.slice(0, 4))} st0=${le(i.slice(56, 76))} st1=${le(i.slice(76, 96))} mem=${i.slice(216, 248)} fl=${v.eflags.toString(16)}\n   out st0=${le(v.out.slice(56, 76))} st1=${le(v.out.slice(76, 96))} sw=${le(v.out.slice(8, 12))}\n   ${d}`);
  if (++n >= max) break;
}
