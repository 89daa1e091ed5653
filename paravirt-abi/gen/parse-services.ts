// Parses and checks the `services` list of abi.json: arguments (at most five words, pointer lengths
// that name a u32 argument), results, permissions, per-service errors with their ARINC mapping, and
// strictly increasing ids. Problems go to the shared Reader; the id history is checked in parse.ts.
import { MAX_ARG_WORDS, argWords, type ArgDef, type NamedValue, type ServiceDef, type ServiceError, type StructDef } from "./model";
import { IDENT, type Reader } from "./reader";

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

/** Parses `services`; ids must increase strictly in file order. */
export function parseServices(r: Reader, raw: unknown, structs: readonly StructDef[], errors: readonly NamedValue[], arincNames: readonly string[]): ServiceDef[] {
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
