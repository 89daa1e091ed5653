// Generates paravirt-abi/ABI.md: the reference a guest or kernel author reads, one section per service.
// Pure: definition in, Markdown out.
import { cArg, cLocalPrototype, cName, cPrototype, GENERATED_NOTE, num, svcConst } from "./names";
import type { AbiDefinition, ArgDef, LibpvMode, ServiceDef } from "./model";

const REGS = ["EBX", "ECX", "EDX", "ESI", "EDI"];

function argRow(a: ArgDef, word: number): string {
  const regs = a.kind === "u64" ? `${REGS[word]}:${REGS[word + 1]} (lo:hi)` : (REGS[word] ?? "?");
  let what: string = a.kind;
  if (a.kind === "ptr") {
    const len = a.len.by === "arg" ? `${a.len.arg} bytes` : a.len.by === "struct" ? `struct pv_${a.len.struct} (${a.len.bytes} bytes)` : `${a.len.bytes} bytes`;
    what = `guest pointer, ${a.dir}, ${len}`;
  } else if (a.kind === "code") what = "guest code address";
  return `| \`${a.name}\` | ${what} | ${regs} | \`${cArg(a)}\` |`;
}

function libpvNote(m: LibpvMode): string {
  switch (m) {
    case "trap":
      return "libpv traps to the kernel.";
    case "flush-trap":
      return "libpv writes out its buffered console bytes, then traps.";
    case "local":
      return "libpv serves it from the shared page without a trap; the trap binding traps.";
    case "buffered":
      return "libpv buffers in its shared-page area and traps when it flushes.";
    case "resolver":
      return "entered only through libpv's resolver entry (start-info `resolver`), with a stack frame, not registers.";
    default: {
      const never: never = m;
      throw new Error(`unknown libpv mode ${String(never)}`);
    }
  }
}

function serviceSection(def: AbiDefinition, s: ServiceDef): string[] {
  const L = [`### ${s.id} \`${s.name}\``, "", s.summary, "", s.doc, ""];
  L.push(`- id: \`${svcConst(s)}\` = ${s.id}; who may call: **${s.permission}**`);
  L.push(`- result: ${s.result === "value" ? "a plain value in EAX (never an error)" : s.result === "status" ? "`PV_OK` or a `PV_E*` code" : s.result === "count" ? "a non-negative count or a `PV_E*` code" : "does not return to the caller's next instruction"}`);
  if (s.result !== "none") L.push(`- C: \`${cPrototype(def, s)}\``);
  L.push(`- binding: ${libpvNote(s.libpv)}`, "");
  if (s.args.length > 0) {
    L.push("| argument | kind | trap registers | C parameter |", "|---|---|---|---|");
    let word = 0;
    for (const a of s.args) {
      L.push(argRow(a, word));
      word += a.kind === "u64" ? 2 : 1;
    }
    L.push("");
  }
  if (s.errors.length > 0) {
    const arinc = s.errors.some((e) => e.arinc !== null);
    L.push(arinc ? "| error | when | ARINC |" : "| error | when |", arinc ? "|---|---|---|" : "|---|---|");
    for (const e of s.errors) L.push(arinc ? `| \`PV_${e.code}\` | ${e.when} | \`${e.arinc ?? ""}\` |` : `| \`PV_${e.code}\` | ${e.when} |`);
    if (arinc) L.push("", "Success (>= 0) maps to `NO_ERROR`.");
    L.push("");
  }
  return L;
}

/** Returns the text of ABI.md. */
export function generateMarkdown(def: AbiDefinition): string {
  const L: string[] = [`# apexvisor paravirt ABI ${def.major}.${def.minor}`, "", `<!-- ${GENERATED_NOTE} -->`, ""];
  L.push(`Magic \`${num(def.magic)}\`, trap vector \`0x${def.trapVector.toString(16).toUpperCase()}\`. How the bindings work is in README.md; this page is the reference.`, "");
  L.push("## Error codes", "", "| code | value | meaning |", "|---|---|---|");
  for (const e of def.errors) L.push(`| \`PV_${e.name}\` | ${e.value} | ${e.doc} |`);
  L.push("", "## Constants", "", "| name | value | meaning |", "|---|---|---|");
  for (const c of def.constants) L.push(`| \`PV_${c.name}\` | \`${num(c.value)}\` | ${c.doc} |`);
  L.push("", "## Enumerations", "");
  for (const en of def.enums) {
    L.push(`### ${en.name}`, "", en.doc, "", "| name | value | |", "|---|---|---|");
    for (const v of en.values) L.push(`| \`${en.prefix}_${v.name}\` | ${v.value} | ${v.doc} |`);
    L.push("");
  }
  L.push("## Structures", "", "All fields are little-endian and naturally aligned; reserved fields are zero.", "");
  for (const s of def.structs) {
    L.push(`### struct pv_${s.name} (${s.size} bytes)`, "", s.doc, "", "| offset | field | type | |", "|---|---|---|---|");
    for (const f of s.fields) {
      const t = f.type.kind === "char" ? `char[${f.type.count}]` : f.type.kind === "u8array" ? `u8[${f.type.count}]` : f.type.kind;
      L.push(`| ${f.offset} | \`${f.name}\` | ${t} | ${f.doc} |`);
    }
    L.push("");
  }
  L.push("## Services", "", "| id | name | who may call | |", "|---|---|---|---|");
  for (const s of def.services) L.push(`| ${s.id} | [\`${s.name}\`](#${s.id}-${s.name}) | ${s.permission} | ${s.summary} |`);
  L.push("");
  for (const s of def.services) L.push(...serviceSection(def, s));
  L.push("## libpv-local functions", "", "Served inside the partition; no trap id.", "");
  for (const l of def.local) {
    L.push(`### \`${cName(def, l.name)}\``, "", `${l.summary} ${l.doc}${l.bindable ? "" : " Not bindable by name."}`, "");
    L.push(`- C: \`${cLocalPrototype(def, l)}\``, "");
  }
  L.push("## Retired ids", "", def.retired.length === 0 ? "None." : def.retired.map((r) => `- ${r.id} \`${r.name}\``).join("\n"), "");
  return L.join("\n");
}
