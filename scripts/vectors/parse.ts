// Reads and shape-checks the committed vector files (test/vectors/*.json) for the tests. A malformed file
// is reported as a VectorFileError naming the file and the JSON path; values are not judged here.
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { VEC_REGS, type VecReg, type Vector, type VectorFile, type VectorForm } from "./schema";

/** A vector file that does not have the expected shape. */
export class VectorFileError extends Error {
  constructor(readonly file: string, readonly where: string, what: string) {
    super(`${file}: ${where}: ${what}`);
    this.name = "VectorFileError";
  }
}

type Json = unknown;

class Reader {
  constructor(private readonly file: string) {}

  fail(where: string, what: string): never {
    throw new VectorFileError(this.file, where, what);
  }

  obj(v: Json, where: string): Record<string, Json> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(where, "expected an object");
    return v as Record<string, Json>;
  }

  str(v: Json, where: string): string {
    if (typeof v !== "string") this.fail(where, "expected a string");
    return v;
  }

  hex(v: Json, where: string): string {
    const s = this.str(v, where);
    if (!/^([0-9a-f]{2})*$/.test(s)) this.fail(where, `expected hex bytes, got '${s.slice(0, 20)}'`);
    return s;
  }

  u32(v: Json, where: string): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff_ffff) this.fail(where, "expected an unsigned 32-bit integer");
    return v;
  }

  arr(v: Json, where: string): Json[] {
    if (!Array.isArray(v)) this.fail(where, "expected an array");
    return v as Json[];
  }

  regs(v: Json, where: string): VecReg[] {
    return this.arr(v, where).map((r, n) => {
      const s = this.str(r, `${where}[${n}]`);
      const reg = VEC_REGS.find((x) => x === s);
      if (reg === undefined) this.fail(`${where}[${n}]`, `unknown register '${s}'`);
      return reg;
    });
  }
}

function readVector(rd: Reader, raw: Json, where: string, nIn: number, nOut: number): Vector {
  const o = rd.obj(raw, where);
  const i = rd.arr(o["i"], `${where}.i`).map((x, n) => rd.u32(x, `${where}.i[${n}]`));
  const out = rd.arr(o["o"], `${where}.o`).map((x, n) => rd.u32(x, `${where}.o[${n}]`));
  if (i.length !== nIn + 1) rd.fail(`${where}.i`, `expected ${nIn + 1} values (the form's 'in' registers and EFLAGS)`);
  if (out.length !== nOut + 1) rd.fail(`${where}.o`, `expected ${nOut + 1} values (the form's 'out' registers and EFLAGS)`);
  const v: { -readonly [K in keyof Vector]: Vector[K] } = { i, o: out };
  if (o["c"] !== undefined) v.c = rd.hex(o["c"], `${where}.c`);
  if (o["u"] !== undefined) v.u = rd.u32(o["u"], `${where}.u`);
  if (o["x"] !== undefined) v.x = rd.u32(o["x"], `${where}.x`);
  if ((o["d"] === undefined) !== (o["e"] === undefined)) rd.fail(where, "'d' and 'e' come together");
  if (o["d"] !== undefined) {
    v.d = rd.hex(o["d"], `${where}.d`);
    v.e = rd.hex(o["e"], `${where}.e`);
    if (v.d.length !== v.e.length) rd.fail(where, "'d' and 'e' differ in length");
  }
  return v;
}

function readForm(rd: Reader, raw: Json, where: string): VectorForm {
  const o = rd.obj(raw, where);
  const inRegs = rd.regs(o["in"], `${where}.in`);
  const out = rd.regs(o["out"], `${where}.out`);
  return {
    group: rd.str(o["group"], `${where}.group`),
    mnemonic: rd.str(o["mnemonic"], `${where}.mnemonic`),
    form: rd.str(o["form"], `${where}.form`),
    code: rd.hex(o["code"], `${where}.code`),
    hostPrefix: rd.hex(o["hostPrefix"], `${where}.hostPrefix`),
    in: inRegs,
    out,
    ptr: rd.regs(o["ptr"], `${where}.ptr`),
    undefinedFlags: rd.u32(o["undefinedFlags"], `${where}.undefinedFlags`),
    undefinedNote: rd.str(o["undefinedNote"], `${where}.undefinedNote`),
    vectors: rd.arr(o["vectors"], `${where}.vectors`).map((v, n) => readVector(rd, v, `${where}.vectors[${n}]`, inRegs.length, out.length)),
  };
}

/** Parses one vector file's text; throws VectorFileError on a bad shape. */
export function parseVectorFile(text: string, file: string): VectorFile {
  const rd = new Reader(file);
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return rd.fail("(top)", `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const o = rd.obj(raw, "(top)");
  if (o["format"] !== 1) rd.fail("format", "expected format 1");
  const cpu = rd.obj(o["cpu"], "cpu");
  const defaults = rd.obj(o["defaults"], "defaults");
  const d = {} as Record<VecReg, number>;
  for (const r of VEC_REGS) d[r] = rd.u32(defaults[r], `defaults.${r}`);
  return {
    format: 1,
    cpu: {
      modelName: rd.str(cpu["modelName"], "cpu.modelName"), vendor: rd.str(cpu["vendor"], "cpu.vendor"),
      family: rd.str(cpu["family"], "cpu.family"), model: rd.str(cpu["model"], "cpu.model"), stepping: rd.str(cpu["stepping"], "cpu.stepping"),
    },
    recorder: rd.str(o["recorder"], "recorder"),
    seed: rd.u32(o["seed"], "seed"),
    defaults: d,
    forms: rd.arr(o["forms"], "forms").map((f, n) => readForm(rd, f, `forms[${n}]`)),
  };
}

/** Reads every *.json in `dir`, sorted by name, as [file name, parsed file]. */
export function loadVectorDir(dir: string): Array<[string, VectorFile]> {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => [f, parseVectorFile(readFileSync(join(dir, f), "utf8"), f)]);
}

/** Bytes of a hex string already checked by the parser. */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
