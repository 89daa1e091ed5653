// Runs every ABI generator and returns the generated files by repo-relative path. Pure; writing the
// files (scripts/gen-abi.ts) and comparing them (test/paravirt-abi/generated.test.ts) are the callers'.
import { generateExports, generateImports, generateTrapServices } from "./c-bindings";
import { generateCHeader } from "./c-header";
import { generateMarkdown } from "./markdown";
import type { AbiDefinition } from "./model";
import { generateTsLayout } from "./ts-layout";
import { generateTsModule } from "./ts-module";

/** Every generated file: repo-relative path -> full text, in a fixed order. */
export function generateAll(def: AbiDefinition): ReadonlyMap<string, string> {
  return new Map<string, string>([
    ["paravirt-abi/include/pv_abi.h", generateCHeader(def)],
    ["paravirt-abi/ABI.md", generateMarkdown(def)],
    ["paravirt-abi/jmptab/pv_imports.c", generateImports(def)],
    ["paravirt-abi/trap/pv_trap_services.c", generateTrapServices(def)],
    ["paravirt-abi/libpv/pv_exports.c", generateExports(def)],
    ["kernel/hypercall/generated/abi-generated.ts", generateTsModule(def)],
    ["kernel/hypercall/generated/abi-layout.ts", generateTsLayout(def)],
  ]);
}
