// Generates the per-binding C glue from the service list: the jump-table import list (one
// PV_EXTERNAL_FUNC per bindable export), the trap-binding service functions, and libpv's export table.
import { cName, cPrototype, GENERATED_NOTE, svcConst } from "./names";
import type { AbiDefinition, ServiceDef } from "./model";

/** Bindable names: every service except the resolver entry, then every bindable local function. */
export function importNames(def: AbiDefinition): string[] {
  return [
    ...def.services.filter((s) => s.libpv !== "resolver").map((s) => cName(def, s.name)),
    ...def.local.filter((l) => l.bindable).map((l) => cName(def, l.name)),
  ];
}

/** paravirt-abi/jmptab/pv_imports.c */
export function generateImports(def: AbiDefinition): string {
  const L = [`/* pv_imports.c: jump-table binding, one import per libpv export a guest may bind.`, ` * ${GENERATED_NOTE} */`];
  L.push(`#include "pv_external.h"`, "");
  for (const n of importNames(def)) L.push(`PV_EXTERNAL_FUNC(${n});`);
  L.push("");
  return L.join("\n");
}

function trapCall(def: AbiDefinition, s: ServiceDef): string {
  const words: string[] = [];
  for (const a of s.args) {
    if (a.kind === "u64") words.push(`(uint32_t)${a.name}`, `(uint32_t)(${a.name} >> 32)`);
    else if (a.kind === "u32") words.push(a.name);
    else words.push(`(uint32_t)${a.name}`);
  }
  const call = `pv_trap${words.length}(${[svcConst(s), ...words].join(", ")})`;
  const ret = s.result === "value" ? `return ${call};` : `return (pv_status_t)${call};`;
  const flush = s.libpv === "flush-trap" ? "    PV_TRAP_FLUSH_CONSOLE();\n" : "";
  return `${cPrototype(def, s)} {\n${flush}    ${ret}\n}`;
}

/** paravirt-abi/trap/pv_trap_services.c: every trap service as a C function; libpv omits those it serves itself. */
export function generateTrapServices(def: AbiDefinition): string {
  const L = [`/* pv_trap_services.c: trap binding, each service as a cdecl function that traps.`, ` * ${GENERATED_NOTE}`];
  L.push(` * Built into libpv with -DPV_IN_LIBPV, which leaves out the services libpv serves locally or buffers. */`);
  L.push(`#include "pv_trap.h"`, "");
  for (const s of def.services) {
    if (s.result === "none") continue;
    const libpvOwn = s.libpv === "local" || s.libpv === "buffered";
    if (libpvOwn) L.push("#ifndef PV_IN_LIBPV");
    L.push(trapCall(def, s));
    if (libpvOwn) L.push("#endif");
    L.push("");
  }
  return L.join("\n");
}

/** paravirt-abi/libpv/pv_exports.c: libpv's export table in section .pvexport. */
export function generateExports(def: AbiDefinition): string {
  const L = [`/* pv_exports.c: libpv's export table {name, address, service id, flags}, read by the kernel.`, ` * ${GENERATED_NOTE} */`];
  L.push(`#include "pv_abi.h"`, "", `/* The resolver entry (resolve.S); not C-callable. */`, `extern char pv_resolve[];`, "");
  const rows: { name: string; addr: string; id: string; flags: string }[] = [];
  for (const s of def.services) {
    const n = cName(def, s.name);
    if (s.libpv === "resolver") rows.push({ name: n, addr: n, id: svcConst(s), flags: "PV_EXPORT_INTERNAL" });
    else rows.push({ name: n, addr: n, id: svcConst(s), flags: "PV_EXPORT_SERVICE" });
  }
  for (const l of def.local) {
    const n = cName(def, l.name);
    rows.push({ name: n, addr: n, id: "PV_EXPORT_NOT_A_SERVICE", flags: l.bindable ? "PV_EXPORT_LOCAL" : "PV_EXPORT_INTERNAL" });
  }
  for (const r of rows) L.push(`static const char name_${r.name}[] = "${r.name}";`);
  L.push("", `__attribute__((section(".pvexport"), used, aligned(4)))`, `const struct pv_export pv_export_table[${rows.length}] = {`);
  for (const r of rows) L.push(`    { (uint32_t)name_${r.name}, (uint32_t)${r.addr}, ${r.id}, ${r.flags} },`);
  L.push("};", "");
  return L.join("\n");
}
