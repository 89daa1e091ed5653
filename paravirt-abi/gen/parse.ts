// Parses and checks the raw abi.json / retired.json objects into an AbiDefinition, collecting every
// problem at once (with a path such as services[4].args[0]) instead of stopping at the first. No file I/O.
import { layoutStruct, parseFieldType } from "./layout";
import {
  MAX_ARG_WORDS,
  argWords,
  type AbiDefinition,
  type ArgDef,
  type EnumDef,
  type FieldType,
  type LocalDef,
  type NamedValue,
  type RetiredService,
  type ServiceDef,
  type ServiceError,
  type StructDef,
} from "./model";

/** The definition is malformed; `problems` lists every finding with its path. */
export class AbiDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`paravirt ABI definition has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  }
}

type Obj = Record<string, unknown>;
const IDENT = /^[a-z][a-z0-9_]*$/;
const UPPER = /^[A-Z][A-Z0-9_]*$/;

class Reader {
  readonly problems: string[] = [];
  obj(v: unknown, at: string): Obj {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
    this.problems.push(`${at}: expected an object`);
    return {};
  }
  list(v: unknown, at: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.problems.push(`${at}: expected a list`);
    return [];
  }
  str(o: Obj, key: string, at: string, re?: RegExp): string {
    const v = o[key];
    if (typeof v !== "string") {
      this.problems.push(`${at}.${key}: expected a string`);
      return "";
    }
    if (re !== undefined && !re.test(v)) this.problems.push(`${at}.${key}: "${v}" does not match ${re.source}`);
    return v;
  }
  optStr(o: Obj, key: string, at: string): string {
    return o[key] === undefined ? "" : this.str(o, key, at);
  }
  int(o: Obj, key: string, at: string): number {
    const v = o[key];
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return Number(v);
    this.problems.push(`${at}.${key}: expected an integer or a hex string`);
    return 0;
  }
  oneOf<T extends string>(o: Obj, key: string, at: string, allowed: readonly T[]): T {
    const v = this.str(o, key, at);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${at}.${key}: "${v}" is not one of ${allowed.join(", ")}`);
    return allowed[0] as T;
  }
  unique(names: readonly string[], what: string): void {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) this.problems.push(`duplicate ${what} "${n}"`);
      seen.add(n);
    }
  }
}

function namedValues(r: Reader, raw: unknown, at: string, re: RegExp): NamedValue[] {
  const out = r.list(raw, at).map((x, i) => {
    const o = r.obj(x, `${at}[${i}]`);
    return { name: r.str(o, "name", `${at}[${i}]`, re), value: r.int(o, "value", `${at}[${i}]`), doc: r.optStr(o, "doc", `${at}[${i}]`) };
  });
  r.unique(out.map((v) => v.name), `${at} name`);
  return out;
}

function parseErrors(r: Reader, raw: unknown): NamedValue[] {
  const out = r.list(raw, "errors").map((x, i) => {
    const o = r.obj(x, `errors[${i}]`);
    return { name: r.str(o, "name", `errors[${i}]`, UPPER), value: o["value"] as number, doc: r.optStr(o, "doc", `errors[${i}]`) };
  });
  r.unique(out.map((e) => e.name), "error name");
  r.unique(out.map((e) => String(e.value)), "error value");
  for (const e of out) {
    if (!Number.isSafeInteger(e.value)) r.problems.push(`error ${e.name}: value must be an integer`);
    else if (e.name === "OK" ? e.value !== 0 : e.value >= 0) r.problems.push(`error ${e.name}: OK is 0, every other code is negative`);
  }
  if (!out.some((e) => e.name === "OK") || !out.some((e) => e.name === "ENOSYS")) r.problems.push("errors: OK and ENOSYS are required");
  return out;
}

function parseEnums(r: Reader, raw: unknown): EnumDef[] {
  const out = r.list(raw, "enums").map((x, i) => {
    const at = `enums[${i}]`;
    const o = r.obj(x, at);
    return {
      name: r.str(o, "name", at, IDENT),
      prefix: r.str(o, "prefix", at, UPPER),
      doc: r.optStr(o, "doc", at),
      values: namedValues(r, o["values"], `${at}.values`, UPPER),
    };
  });
  r.unique(out.map((e) => e.name), "enum");
  return out;
}

function parseStructs(r: Reader, raw: unknown): StructDef[] {
  const out: StructDef[] = [];
  r.list(raw, "structs").forEach((x, i) => {
    const at = `structs[${i}]`;
    const o = r.obj(x, at);
    const name = r.str(o, "name", at, IDENT);
    const fields = r.list(o["fields"], `${at}.fields`).map((f, j) => {
      const fo = r.obj(f, `${at}.fields[${j}]`);
      const typeText = r.str(fo, "type", `${at}.fields[${j}]`);
      const type: FieldType | null = parseFieldType(typeText);
      if (type === null) r.problems.push(`${at}.fields[${j}]: bad type "${typeText}"`);
      return { name: r.str(fo, "name", `${at}.fields[${j}]`, IDENT), type: type ?? { kind: "u32" as const }, doc: r.optStr(fo, "doc", `${at}.fields[${j}]`) };
    });
    r.unique(fields.map((f) => f.name), `field of struct ${name}`);
    const laid = layoutStruct(name, r.optStr(o, "doc", at), fields);
    if (Array.isArray(laid)) r.problems.push(...laid);
    else out.push(laid);
  });
  r.unique(out.map((s) => s.name), "struct");
  return out;
}

function parseArg(r: Reader, x: unknown, at: string, structs: readonly StructDef[]): ArgDef {
  const o = r.obj(x, at);
  const name = r.str(o, "name", at, IDENT);
  const kind = r.oneOf(o, "type", at, ["u32", "i32", "u64", "code", "ptr"] as const);
  if (kind !== "ptr") return { kind, name };
  const dir = r.oneOf(o, "dir", at, ["in", "out", "inout"] as const);
  const given = ["len", "size", "struct"].filter((k) => o[k] !== undefined);
  if (given.length !== 1) r.problems.push(`${at}: a pointer needs exactly one of len (an argument), size or struct`);
  if (o["size"] !== undefined) return { kind, name, dir, len: { by: "size", bytes: r.int(o, "size", at) } };
  if (o["struct"] !== undefined) {
    const sname = r.str(o, "struct", at);
    const s = structs.find((st) => st.name === sname);
    if (s === undefined) r.problems.push(`${at}: unknown struct "${sname}"`);
    return { kind, name, dir, len: { by: "struct", struct: sname, bytes: s?.size ?? 0 } };
  }
  return { kind, name, dir, len: { by: "arg", arg: r.str(o, "len", at) } };
}

function checkArgs(r: Reader, args: readonly ArgDef[], at: string): void {
  r.unique(args.map((a) => a.name), `argument of ${at}`);
  const words = args.reduce((n, a) => n + argWords(a), 0);
  if (words > MAX_ARG_WORDS) r.problems.push(`${at}: ${words} argument words, at most ${MAX_ARG_WORDS} fit in EBX..EDI`);
  for (const a of args) {
    if (a.kind !== "ptr" || a.len.by !== "arg") continue;
    const target = a.len.arg;
    const lenArg = args.find((b) => b.name === target);
    if (lenArg === undefined || lenArg.kind !== "u32") r.problems.push(`${at}.${a.name}: len "${target}" must name a u32 argument`);
  }
}

function parseServiceErrors(r: Reader, raw: unknown, at: string, errors: readonly NamedValue[], arincNames: readonly string[]): ServiceError[] {
  const out = r.list(raw, `${at}.errors`).map((x, i) => {
    const o = r.obj(x, `${at}.errors[${i}]`);
    const code = r.str(o, "code", `${at}.errors[${i}]`);
    if (!errors.some((e) => e.name === code) || code === "OK") r.problems.push(`${at}.errors[${i}]: "${code}" is not an error code`);
    const arinc = o["arinc"] === undefined ? null : r.str(o, "arinc", `${at}.errors[${i}]`);
    if (arinc !== null && !arincNames.includes(arinc)) r.problems.push(`${at}.errors[${i}]: "${arinc}" is not an ARINC return code`);
    return { code, when: r.str(o, "when", `${at}.errors[${i}]`), arinc };
  });
  r.unique(out.map((e) => e.code), `error of ${at}`);
  if (out.some((e) => e.arinc !== null) && out.some((e) => e.arinc === null)) r.problems.push(`${at}: map every error to ARINC or none`);
  return out;
}

function parseServices(r: Reader, raw: unknown, structs: readonly StructDef[], errors: readonly NamedValue[], arincNames: readonly string[]): ServiceDef[] {
  const out = r.list(raw, "services").map((x, i): ServiceDef => {
    const at = `services[${i}]`;
    const o = r.obj(x, at);
    const args = r.list(o["args"], `${at}.args`).map((a, j) => parseArg(r, a, `${at}.args[${j}]`, structs));
    checkArgs(r, args, at);
    const s: ServiceDef = {
      id: r.int(o, "id", at),
      name: r.str(o, "name", at, IDENT),
      args,
      result: r.oneOf(o, "result", at, ["value", "status", "count", "none"] as const),
      permission: r.oneOf(o, "permission", at, ["any", "system-partition", "schedule-permitted"] as const),
      libpv: r.oneOf(o, "libpv", at, ["trap", "flush-trap", "local", "buffered", "resolver"] as const),
      summary: r.str(o, "summary", at),
      doc: r.str(o, "doc", at),
      errors: parseServiceErrors(r, o["errors"], at, errors, arincNames),
    };
    if (args.some((a) => a.kind === "ptr" || a.kind === "code") && !s.errors.some((e) => e.code === "EFAULT")) {
      r.problems.push(`${at} (${s.name}): takes a pointer, so it must list EFAULT`);
    }
    return s;
  });
  r.unique(out.map((s) => s.name), "service name");
  out.forEach((s, i) => {
    const prev = out[i - 1];
    if (prev !== undefined && s.id <= prev.id) r.problems.push(`service ${s.name}: id ${s.id} must be greater than ${prev.name}'s ${prev.id} (ids are monotonic)`);
  });
  return out;
}

function parseLocal(r: Reader, raw: unknown): LocalDef[] {
  return r.list(raw, "local").map((x, i) => {
    const at = `local[${i}]`;
    const o = r.obj(x, at);
    const args = r.list(o["args"], `${at}.args`).map((a, j) => {
      const ao = r.obj(a, `${at}.args[${j}]`);
      r.oneOf(ao, "type", `${at}.args[${j}]`, ["u32"] as const);
      return { name: r.str(ao, "name", `${at}.args[${j}]`, IDENT) };
    });
    return {
      name: r.str(o, "name", at, IDENT),
      args,
      result: r.oneOf(o, "result", at, ["u32", "void", "status"] as const),
      bindable: o["bindable"] !== false,
      summary: r.str(o, "summary", at),
      doc: r.str(o, "doc", at),
    };
  });
}

function parseRetired(r: Reader, raw: unknown): RetiredService[] {
  const o = r.obj(raw, "retired.json");
  return r.list(o["retired"], "retired.json retired").map((x, i) => {
    const ro = r.obj(x, `retired[${i}]`);
    return { id: r.int(ro, "id", `retired[${i}]`), name: r.str(ro, "name", `retired[${i}]`, IDENT) };
  });
}

/** Checks that ids and names are never reused and that every id up to the highest is live or retired. */
function checkIdHistory(r: Reader, services: readonly ServiceDef[], local: readonly LocalDef[], retired: readonly RetiredService[]): void {
  for (const t of retired) {
    if (services.some((s) => s.id === t.id)) r.problems.push(`id ${t.id} is retired (${t.name}) and may not be reused`);
    if (services.some((s) => s.name === t.name) || local.some((l) => l.name === t.name)) r.problems.push(`name ${t.name} is retired and may not be reused`);
  }
  for (const l of local) if (services.some((s) => s.name === l.name)) r.problems.push(`local ${l.name} clashes with a service name`);
  r.unique(local.map((l) => l.name), "local name");
  const all = new Set([...services.map((s) => s.id), ...retired.map((t) => t.id)]);
  const max = Math.max(-1, ...all);
  for (let id = 0; id <= max; id++) {
    if (!all.has(id)) r.problems.push(`id ${id} is neither live nor retired: a removed service must be listed in retired.json`);
  }
}

/** Parses abi.json and retired.json contents; throws AbiDefinitionError listing every problem. */
export function parseAbi(abiRaw: unknown, retiredRaw: unknown): AbiDefinition {
  const r = new Reader();
  const top = r.obj(abiRaw, "abi.json");
  const head = r.obj(top["abi"], "abi");
  const enums = parseEnums(r, top["enums"]);
  const arincNames = enums.find((e) => e.name === "arinc_return_code")?.values.map((v) => v.name) ?? [];
  if (arincNames.length === 0) r.problems.push("enums: arinc_return_code is required");
  const structs = parseStructs(r, top["structs"]);
  for (const required of ["start_info", "shared_page", "abi_note", "export", "libpv_area"]) {
    if (!structs.some((s) => s.name === required)) r.problems.push(`structs: ${required} is required`);
  }
  const errors = parseErrors(r, top["errors"]);
  const services = parseServices(r, top["services"], structs, errors, arincNames);
  const local = parseLocal(r, top["local"]);
  const retired = parseRetired(r, retiredRaw);
  checkIdHistory(r, services, local, retired);
  const def: AbiDefinition = {
    major: r.int(head, "major", "abi"),
    minor: r.int(head, "minor", "abi"),
    magic: r.int(head, "magic", "abi"),
    trapVector: r.int(head, "trapVector", "abi"),
    prefix: r.str(head, "prefix", "abi", IDENT),
    constants: namedValues(r, top["constants"], "constants", UPPER),
    errors,
    enums,
    structs,
    services,
    local,
    retired,
  };
  if (def.trapVector < 0x20 || def.trapVector > 0xff) r.problems.push("abi.trapVector must be 0x20..0xFF");
  if (r.problems.length > 0) throw new AbiDefinitionError(r.problems);
  return def;
}

/** Looks up a struct by name; throws (host bug) when absent, since parseAbi checked the required ones. */
export function structByName(def: AbiDefinition, name: string): StructDef {
  const s = def.structs.find((x) => x.name === name);
  if (s === undefined) throw new Error(`struct ${name} is not in the ABI definition`);
  return s;
}

/** Looks up a constant by name; throws (host bug) when absent. */
export function constantByName(def: AbiDefinition, name: string): number {
  const c = def.constants.find((x) => x.name === name);
  if (c === undefined) throw new Error(`constant ${name} is not in the ABI definition`);
  return c.value;
}
