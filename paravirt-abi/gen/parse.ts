// Parses and checks the raw abi.json / retired.json objects into an AbiDefinition, collecting every
// problem at once (with a path such as services[4].args[0]) instead of stopping at the first. No file I/O.
import { layoutStruct, parseFieldType } from "./layout";
import type { AbiDefinition, EnumDef, FieldType, LocalDef, NamedValue, RetiredService, ServiceDef, StructDef } from "./model";
import { parseServices } from "./parse-services";
import { IDENT, Reader, UPPER } from "./reader";

/** The definition is malformed; `problems` lists every finding with its path. */
export class AbiDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`paravirt ABI definition has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
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

/**
 * Ids set aside (retired.json "reserved": [{from, to, for}]) for services another branch is adding;
 * an unused reserved id is not a gap. Remove a range once its services are live.
 */
function parseReserved(r: Reader, raw: unknown): Set<number> {
  const o = r.obj(raw, "retired.json");
  const ids = new Set<number>();
  if (o["reserved"] === undefined) return ids;
  r.list(o["reserved"], "retired.json reserved").forEach((x, i) => {
    const ro = r.obj(x, `reserved[${i}]`);
    r.str(ro, "for", `reserved[${i}]`);
    for (let id = r.int(ro, "from", `reserved[${i}]`); id <= r.int(ro, "to", `reserved[${i}]`); id++) ids.add(id);
  });
  return ids;
}

/** Checks that ids and names are never reused and that every id up to the highest is live, retired or reserved. */
function checkIdHistory(r: Reader, services: readonly ServiceDef[], local: readonly LocalDef[], retired: readonly RetiredService[], reserved: ReadonlySet<number>): void {
  for (const t of retired) {
    if (services.some((s) => s.id === t.id)) r.problems.push(`id ${t.id} is retired (${t.name}) and may not be reused`);
    if (services.some((s) => s.name === t.name) || local.some((l) => l.name === t.name)) r.problems.push(`name ${t.name} is retired and may not be reused`);
  }
  for (const l of local) if (services.some((s) => s.name === l.name)) r.problems.push(`local ${l.name} clashes with a service name`);
  r.unique(local.map((l) => l.name), "local name");
  const all = new Set([...services.map((s) => s.id), ...retired.map((t) => t.id)]);
  const max = Math.max(-1, ...all);
  for (let id = 0; id <= max; id++) {
    if (!all.has(id) && !reserved.has(id)) r.problems.push(`id ${id} is neither live nor retired: a removed service must be listed in retired.json`);
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
  checkIdHistory(r, services, local, retired, parseReserved(r, retiredRaw));
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
