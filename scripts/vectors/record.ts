// `npm run vectors:record`: runs the vector catalogue (groups/*.ts) on the host CPU through runner.c and
// writes test/vectors/<group>.json. Deterministic: fixed seeds, so re-recording on the same kind of CPU
// rewrites identical files. Needs x86-64 Linux and gcc; the tests that read the files need neither.
import { readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { COMPARED, EFLAGS_FIXED } from "./flags";
import type { FormSpec } from "./gen";
import { aluForms } from "./groups/alu";
import { bitForms } from "./groups/bit";
import { miscForms } from "./groups/misc";
import { muldivForms } from "./groups/muldiv";
import { shiftForms } from "./groups/shift";
import { stringForms } from "./groups/string";
import { compileRunner, runOnHost, toHex, type HostCase } from "./host-runner";
import { Xorshift32 } from "./prng";
import { VEC_REGS, type VecReg, type Vector, type VectorFile, type VectorForm } from "./schema";

const ROOT = resolve(__dirname, "..", "..", "..");

/** Every register not named by a form starts here and must end here. */
const DEFAULTS: Readonly<Record<VecReg, number>> = {
  eax: 0xa0a1_a2a3, ecx: 0xc0c1_c2c3, edx: 0xd0d1_d2d3, ebx: 0xb0b1_b2b3, ebp: 0xb4b5_b6b7, esi: 0x5051_5253, edi: 0xd4d5_d6d7,
};

const GROUPS: ReadonlyArray<readonly [string, number, (rng: Xorshift32) => FormSpec[]]> = [
  ["alu", 0x1a2b_3c4d, aluForms],
  ["shift", 0x5eed_0002, shiftForms],
  ["muldiv", 0x5eed_0003, muldivForms],
  ["bit", 0x5eed_0004, bitForms],
  ["string", 0x5eed_0005, stringForms],
  ["misc", 0x5eed_0006, miscForms],
];

function cpuInfo(): VectorFile["cpu"] {
  const block = readFileSync("/proc/cpuinfo", "utf8").split("\n\n")[0] ?? "";
  const field = (name: string): string => {
    const line = block.split("\n").find((l) => l.startsWith(name));
    return line === undefined ? "unknown" : line.slice(line.indexOf(":") + 1).trim();
  };
  return { modelName: field("model name"), vendor: field("vendor_id"), family: field("cpu family"), model: field("model\t"), stepping: field("stepping") };
}

function toHostCase(f: FormSpec, c: FormSpec["cases"][number]): HostCase {
  for (const r of f.in) if (c.regs[r] === undefined) throw new Error(`${f.form}: case lacks input ${r}`);
  for (const r of Object.keys(c.regs)) if (!f.in.includes(r as VecReg)) throw new Error(`${f.form}: case sets ${r}, not in 'in'`);
  const regs = {} as Record<VecReg, number>;
  for (const r of VEC_REGS) regs[r] = c.regs[r] ?? DEFAULTS[r];
  const ptrMask = (f.ptr ?? []).reduce((m, r) => m | (1 << VEC_REGS.indexOf(r)), 0);
  return { hostCode: [...(f.hostPrefix ?? []), ...(c.code ?? f.code)], ptrMask, regs, eflags: c.eflags, data: c.data ?? [] };
}

function recordForm(f: FormSpec, binary: string): VectorForm {
  const hostCases = f.cases.map((c) => toHostCase(f, c));
  const results = runOnHost(binary, hostCases);
  const vectors = results.map((res, n): Vector => {
    const c = f.cases[n];
    const hc = hostCases[n];
    if (c === undefined || hc === undefined) throw new Error("case/result count mismatch");
    for (const r of VEC_REGS) {
      if (!f.out.includes(r) && res.regs[r] !== hc.regs[r]) {
        throw new Error(`${f.form}: host changed ${r} (not in 'out') in case ${n}: ${hc.regs[r].toString(16)} -> ${res.regs[r].toString(16)}`);
      }
    }
    const v: { -readonly [K in keyof Vector]: Vector[K] } = {
      i: [...f.in.map((r) => hc.regs[r]), c.eflags],
      o: [...f.out.map((r) => res.regs[r]), (res.eflags & COMPARED) | EFLAGS_FIXED],
    };
    if (c.code !== undefined) v.c = toHex(c.code);
    if (c.undef !== undefined && c.undef !== f.undefinedFlags) v.u = c.undef;
    if (res.exception !== undefined) v.x = res.exception;
    if (c.data !== undefined) {
      v.d = toHex(c.data);
      v.e = toHex(res.data);
    }
    return v;
  });
  return {
    group: f.group, mnemonic: f.mnemonic, form: f.form, code: toHex(f.code), hostPrefix: toHex(f.hostPrefix ?? []),
    in: f.in, out: f.out, ptr: f.ptr ?? [], undefinedFlags: f.undefinedFlags, undefinedNote: f.undefinedNote, vectors,
  };
}

/** JSON with one vector per line: small, and diffs of a re-recording stay readable. */
function serialize(file: VectorFile): string {
  const { forms, ...head } = file;
  const formText = forms.map((f) => {
    const { vectors, ...fh } = f;
    const body = vectors.map((v) => `    ${JSON.stringify(v)}`).join(",\n");
    return `  ${JSON.stringify(fh).slice(0, -1)},"vectors":[\n${body}\n  ]}`;
  });
  return `${JSON.stringify(head).slice(0, -1)},"forms":[\n${formText.join(",\n")}\n]}\n`;
}

function main(): void {
  const binary = join(ROOT, "build", "vectors", "runner");
  compileRunner(join(ROOT, "scripts", "vectors", "runner.c"), binary);
  const cpu = cpuInfo();
  const only = process.argv.slice(2);
  for (const [group, seed, make] of GROUPS) {
    if (only.length > 0 && !only.includes(group)) continue;
    const forms = make(new Xorshift32(seed)).map((f) => recordForm(f, binary));
    const file: VectorFile = {
      format: 1, cpu, seed, defaults: DEFAULTS, forms,
      recorder: "scripts/vectors/record.ts + runner.c: x86-64 host, no REX, 32/16/8-bit operand size",
    };
    const out = join(ROOT, "test", "vectors", `${group}.json`);
    const text = serialize(file);
    writeFileSync(out, text);
    const count = forms.reduce((n, f) => n + f.vectors.length, 0);
    console.log(`${group}: ${forms.length} forms, ${count} vectors, ${(text.length / 1024).toFixed(0)} KiB -> ${out}`);
  }
}

main();
