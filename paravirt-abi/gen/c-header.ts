// Generates paravirt-abi/include/pv_abi.h: the guest's C view of the ABI (ids, version, constants, error
// codes, enums, struct layouts with _Static_assert, prototypes). Pure: definition in, text out.
import { cFieldType, cLocalPrototype, cName, cPrototype, GENERATED_NOTE, num, svcConst } from "./names";
import type { AbiDefinition, StructDef } from "./model";

function structText(s: StructDef): string[] {
  const out = [`/* ${s.doc} */`, `struct pv_${s.name} {`];
  for (const f of s.fields) {
    const { type, suffix } = cFieldType(f.type);
    const comment = f.doc.length > 0 ? ` /* +${f.offset}: ${f.doc} */` : ` /* +${f.offset} */`;
    out.push(`    ${type} ${f.name}${suffix};${comment}`);
  }
  out.push("};");
  out.push(`_Static_assert(sizeof(struct pv_${s.name}) == ${sizeMacro(s)}, "pv_${s.name} size");`);
  for (const f of s.fields) out.push(`_Static_assert(offsetof(struct pv_${s.name}, ${f.name}) == ${offMacro(s, f.name)}, "pv_${s.name}.${f.name}");`);
  return out;
}

function sizeMacro(s: StructDef): string {
  return `PV_SIZEOF_${s.name.toUpperCase()}`;
}

function offMacro(s: StructDef, field: string): string {
  return `PV_OFF_${s.name.toUpperCase()}_${field.toUpperCase()}`;
}

/** Sizes and field offsets as plain macros, usable from assembly (upcall entries, start code). */
function offsetMacros(def: AbiDefinition): string[] {
  const L = ["/* Struct sizes and field offsets for assembly; the C structs below assert they agree. */"];
  for (const s of def.structs) {
    L.push(`#define ${sizeMacro(s)} ${s.size}`);
    for (const f of s.fields) L.push(`#define ${offMacro(s, f.name)} ${f.offset}`);
  }
  return L;
}

/** pv_abi_to_arinc(): the per-service PV_E* -> ARINC RETURN_CODE_TYPE tables as one switch. */
function arincFunction(def: AbiDefinition): string[] {
  const L = [
    "/** Translates a service result to ARINC RETURN_CODE_TYPE (>= 0 is NO_ERROR; unmapped errors are INVALID_CONFIG). */",
    "static inline uint32_t pv_abi_to_arinc(uint32_t service_id, pv_status_t result) {",
    "    if (result >= 0) return ARINC_NO_ERROR;",
    "    switch (service_id) {",
  ];
  for (const s of def.services) {
    const mapped = s.errors.filter((e) => e.arinc !== null);
    if (mapped.length === 0) continue;
    L.push(`    case ${svcConst(s)}:`, "        switch (result) {");
    for (const e of mapped) L.push(`        case PV_${e.code}: return ARINC_${e.arinc ?? ""};`);
    L.push("        default: break;", "        }", "        break;");
  }
  L.push("    default: break;", "    }", "    return ARINC_INVALID_CONFIG;", "}");
  return L;
}

/** Returns the text of pv_abi.h. */
export function generateCHeader(def: AbiDefinition): string {
  const L: string[] = [];
  L.push(`/* pv_abi.h: the apexvisor paravirt ABI for guests (C and assembly).`, ` * ${GENERATED_NOTE} */`);
  L.push("#ifndef PV_ABI_H", "#define PV_ABI_H", "");
  L.push(`#define PV_ABI_MAJOR ${def.major}`, `#define PV_ABI_MINOR ${def.minor}`, `#define PV_ABI_MAGIC ${num(def.magic)}`);
  L.push(`/* Trap binding: int $PV_TRAP_VECTOR, EAX = service id, EBX ECX EDX ESI EDI = arguments, EAX = result. */`);
  L.push(`#define PV_TRAP_VECTOR 0x${def.trapVector.toString(16).toUpperCase()}`, "");
  for (const c of def.constants) L.push(`/* ${c.doc} */`, `#define PV_${c.name} ${num(c.value)}`);
  L.push("", "/* Error codes (negative); each service's ARINC translation is in ABI.md and pv_abi_to_arinc(). */");
  for (const e of def.errors) L.push(`#define PV_${e.name} ${num(e.value)} /* ${e.doc} */`);
  for (const en of def.enums) {
    L.push("", `/* ${en.doc} */`);
    for (const v of en.values) L.push(`#define ${en.prefix}_${v.name} ${num(v.value)}${v.doc.length > 0 ? ` /* ${v.doc} */` : ""}`);
  }
  L.push("", "/* Service ids: never reused (retired ids are listed in paravirt-abi/retired.json). */");
  for (const s of def.services) L.push(`#define ${svcConst(s)} ${s.id}`);
  const maxId = Math.max(...def.services.map((s) => s.id), ...def.retired.map((r) => r.id));
  L.push(`#define PV_SVC_LIMIT ${maxId + 1} /* one past the highest id ever assigned */`);
  L.push("", ...offsetMacros(def));
  L.push("", "#ifndef __ASSEMBLER__", "#include <stddef.h>", "#include <stdint.h>", "");
  L.push("/** Result of a status or count service: >= 0 on success, PV_E* (< 0) on failure. */", "typedef int32_t pv_status_t;");
  for (const s of def.structs) L.push("", ...structText(s));
  L.push("", "/* Services. Each binding (trap, jump table, linked libpv) provides these same functions, cdecl. */");
  for (const s of def.services) {
    if (s.result === "none") {
      L.push("", `/* ${cName(def, s.name)} (id ${s.id}) is not C-callable: ${s.summary} */`);
      continue;
    }
    L.push("", `/** ${s.summary} (id ${s.id}, ${s.permission}) */`, `${cPrototype(def, s)};`);
  }
  L.push("", "/* libpv-local functions (no trap id). */");
  for (const l of def.local) {
    L.push(`/** ${l.summary} */`, `${cLocalPrototype(def, l)};`);
  }
  L.push("", ...arincFunction(def));
  L.push("", "#endif /* __ASSEMBLER__ */", "#endif /* PV_ABI_H */", "");
  return L.join("\n");
}
