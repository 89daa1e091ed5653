// Checks the i386 emulator against reference vectors recorded on a real CPU (test/vectors/*.json, made by
// `npm run vectors:record`; see scripts/vectors/README.md). One `it` per mnemonic; flags the manuals call
// undefined are masked per vector and the title says how many vectors had some masked.
import { expect } from "chai";
import { resolve } from "path";
import { COMPARED, flagNames } from "../../../scripts/vectors/flags";
import { hexBytes, loadVectorDir } from "../../../scripts/vectors/parse";
import { VEC_REGS, type VecReg, type Vector, type VectorFile, type VectorForm } from "../../../scripts/vectors/schema";
import { DATA_BASE, runSnippet, STACK_TOP, type SnippetRegs, type SnippetResult } from "../../support/cpu-harness";

const DIR = resolve(__dirname, "..", "..", "..", "..", "test", "vectors");
const MAX_REPORTED = 5;

/**
 * Vectors run per form: each runSnippet builds a fresh machine (several ms), so by default a fixed,
 * evenly spaced sample of every form runs (plus its first #DE vector); APEXVISOR_VECTORS=all runs all
 * ~40,000, APEXVISOR_VECTORS=<n> runs up to n per form.
 */
const PER_FORM = ((): number => {
  const env = process.env["APEXVISOR_VECTORS"];
  if (env === undefined || env === "") return 6;
  if (env === "all") return Number.POSITIVE_INFINITY;
  const n = Number(env);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`APEXVISOR_VECTORS must be 'all' or a positive integer, got '${env}'`);
  return n;
})();

/** The vectors of a form that this run checks: every k-th, spread over the whole list, and the first fault. */
function sample(form: VectorForm): Vector[] {
  const all = form.vectors;
  if (all.length <= PER_FORM) return [...all];
  const stride = all.length / PER_FORM;
  const picked = new Set<number>();
  for (let k = 0; k < PER_FORM; k++) picked.add(Math.floor(k * stride));
  const fault = all.findIndex((v) => v.x !== undefined);
  if (fault >= 0) picked.add(fault);
  return [...picked].sort((a, b) => a - b).map((n) => all[n]).filter((v): v is Vector => v !== undefined);
}

/** What one vector runs and what it must produce. */
interface Prepared {
  readonly code: Uint8Array;
  readonly regs: SnippetRegs;
  readonly data: Uint8Array | undefined;
  readonly want: Readonly<Record<VecReg, number>>;
  readonly wantFlags: number;
  readonly mask: number;
  readonly wantData: Uint8Array | undefined;
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");
const bytesText = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const excName = (x: number | undefined): string => (x === undefined ? "none" : x === 0 ? "#DE (0)" : `vector ${x}`);

function undefOf(form: VectorForm, v: Vector): number {
  return (v.u ?? form.undefinedFlags) & COMPARED;
}

function prepare(file: VectorFile, form: VectorForm, v: Vector): Prepared {
  const reloc = (r: VecReg, value: number): number => (form.ptr.includes(r) ? (value + DATA_BASE) >>> 0 : value);
  const input: Record<VecReg, number> = { ...file.defaults };
  form.in.forEach((r, n) => {
    input[r] = v.i[n] ?? 0;
  });
  for (const r of VEC_REGS) input[r] = reloc(r, input[r]);
  const want: Record<VecReg, number> = { ...input };
  form.out.forEach((r, n) => {
    want[r] = reloc(r, v.o[n] ?? 0);
  });
  const mask = COMPARED & ~undefOf(form, v);
  return {
    code: hexBytes(v.c ?? form.code),
    regs: { ...input, esp: 0, eflags: v.i[form.in.length] ?? 2 },
    data: v.d === undefined ? undefined : hexBytes(v.d),
    want,
    wantFlags: v.o[form.out.length] ?? 2,
    mask,
    wantData: v.e === undefined ? undefined : hexBytes(v.e),
  };
}

/** Difference lines between the expected and the emulated state; empty when they agree. */
function differences(p: Prepared, got: SnippetResult, wantExc: number | undefined): string[] {
  const out: string[] = [];
  if (got.exception !== wantExc) out.push(`exception: expected ${excName(wantExc)}, got ${excName(got.exception)}`);
  for (const r of VEC_REGS) {
    if (got.regs[r] >>> 0 !== p.want[r]) out.push(`${r}: expected ${hex8(p.want[r])}, got ${hex8(got.regs[r])}`);
  }
  if (got.regs.esp >>> 0 !== STACK_TOP) out.push(`esp: expected ${hex8(STACK_TOP)}, got ${hex8(got.regs.esp)}`);
  if ((got.regs.eflags & p.mask) !== (p.wantFlags & p.mask)) {
    const diff = (got.regs.eflags ^ p.wantFlags) & p.mask;
    out.push(
      `eflags: expected ${flagNames(p.wantFlags & p.mask)}, got ${flagNames(got.regs.eflags & p.mask)} ` +
        `(differ: ${flagNames(diff)}; masked: ${flagNames(COMPARED & ~p.mask)})`,
    );
  }
  if (p.wantData !== undefined) {
    for (let i = 0; i < p.wantData.length; i++) {
      const g = got.data[i];
      if (g !== p.wantData[i]) {
        out.push(`data[${i}]: expected ${(p.wantData[i] ?? 0).toString(16)}, got ${g === undefined ? "nothing" : g.toString(16)}`);
        if (out.length > 8) break;
      }
    }
  }
  return out;
}

/** Runs one vector; a host exception from the emulator is reported as a difference, not thrown. */
function runOne(p: Prepared, wantExc: number | undefined): string[] {
  let got: SnippetResult;
  try {
    got = runSnippet(p.code, { ...p.regs }, p.data);
  } catch (e) {
    return [`emulator threw: ${e instanceof Error ? e.message : String(e)}`];
  }
  return differences(p, got, wantExc);
}

function report(form: VectorForm, v: Vector, p: Prepared, diffs: readonly string[]): string {
  const inRegs = form.in.map((r) => `${r}=${hex8(p.regs[r])}`).join(" ");
  const lines = [
    `${form.form}  [${bytesText(p.code)}]`,
    `  in:  ${inRegs} eflags=${flagNames(p.regs.eflags)}${p.data === undefined ? "" : ` data=${bytesText(p.data.subarray(0, 16))}...`}`,
    ...diffs.map((d) => `  ${d}`),
  ];
  if (v.x !== undefined) lines.push(`  (the reference CPU raised ${excName(v.x)})`);
  return lines.join("\n");
}

function byMnemonic(forms: readonly VectorForm[]): Array<[string, VectorForm[]]> {
  const groups = new Map<string, VectorForm[]>();
  for (const f of forms) groups.set(f.mnemonic, [...(groups.get(f.mnemonic) ?? []), f]);
  return [...groups.entries()];
}

function maskSummary(forms: readonly VectorForm[]): string {
  let masked = 0;
  let union = 0;
  let total = 0;
  let recorded = 0;
  for (const f of forms) {
    recorded += f.vectors.length;
    for (const v of sample(f)) {
      total++;
      const u = undefOf(f, v);
      if (u !== 0) masked++;
      union |= u;
    }
  }
  const count = total === recorded ? `${total} vectors` : `${total} of ${recorded} vectors`;
  return masked === 0 ? `${count}, no flags masked` : `${count}, undefined flags masked in ${masked} (${flagNames(union)})`;
}

const SCOPE = PER_FORM === Number.POSITIVE_INFINITY ? "every vector" : `up to ${PER_FORM} per form; APEXVISOR_VECTORS=all runs every one`;

describe(`kernel/cpu against recorded reference vectors (${SCOPE})`, () => {
  for (const [name, file] of loadVectorDir(DIR)) {
    describe(`${name} (recorded on ${file.cpu.modelName}, ${file.cpu.vendor} family ${file.cpu.family})`, () => {
      for (const [mnemonic, forms] of byMnemonic(file.forms)) {
        it(`${mnemonic}: ${maskSummary(forms)}`, function () {
          if (PER_FORM === Number.POSITIVE_INFINITY) this.timeout(0);
          const failures: string[] = [];
          let failed = 0;
          let total = 0;
          for (const form of forms) {
            for (const v of sample(form)) {
              total++;
              const p = prepare(file, form, v);
              const diffs = runOne(p, v.x);
              if (diffs.length === 0) continue;
              failed++;
              if (failures.length < MAX_REPORTED) failures.push(report(form, v, p, diffs));
            }
          }
          if (failed > 0) expect.fail(`${failed} of ${total} ${mnemonic} vectors differ; first ${failures.length}:\n${failures.join("\n")}`);
        });
      }
    });
  }
});
