// Generates kernel/hypercall/generated/abi-generated.ts: service ids, error codes, enums, the typed ServiceHandlers
// table (a missing handler fails to compile) and the argument descriptors the dispatcher checks. Pure.
import { camel, GENERATED_NOTE, pascal } from "./names";
import type { AbiDefinition, ArgDef, ServiceDef } from "./model";

const REGS = ["EBX", "ECX", "EDX", "ESI", "EDI"] as const;

function tsArgType(a: ArgDef): string {
  switch (a.kind) {
    case "u32":
    case "i32":
      return "number";
    case "u64":
      return "bigint";
    case "code":
    case "ptr":
      return "GuestVirtAddr";
    default: {
      const never: never = a;
      throw new Error(`unknown argument ${JSON.stringify(never)}`);
    }
  }
}

function descriptor(s: ServiceDef): string {
  let word = 0;
  const args = s.args.map((a) => {
    const at = word;
    word += a.kind === "u64" ? 2 : 1;
    const base = `name: "${a.name}", word: ${at}`;
    if (a.kind !== "ptr") return `{ kind: "${a.kind}", ${base} }`;
    const len = a.len;
    const lenText =
      len.by === "arg" ? `{ by: "arg", index: ${s.args.findIndex((b) => b.name === len.arg)} }` : `{ by: "size", bytes: ${len.bytes} }`;
    return `{ kind: "ptr", ${base}, dir: "${a.dir}", len: ${lenText} }`;
  });
  const errors = s.errors.map((e) => `{ code: PvError.${e.code}, arinc: ${e.arinc === null ? "null" : `ArincReturnCode.${e.arinc}`} }`);
  return [
    `  {`,
    `    id: ServiceId.${pascal(s.name)},`,
    `    name: "${s.name}",`,
    `    key: "${camel(s.name)}",`,
    `    permission: "${s.permission}",`,
    `    result: "${s.result}",`,
    `    libpv: "${s.libpv}",`,
    `    args: [${args.join(", ")}],`,
    `    errors: [${errors.join(", ")}],`,
    `  },`,
  ].join("\n");
}

/** Returns the text of abi-generated.ts. */
export function generateTsModule(def: AbiDefinition): string {
  const L: string[] = [];
  L.push(`// The paravirt ABI for the kernel side: ids, error codes, enums, handler table type, argument descriptors.`);
  L.push(`// ${GENERATED_NOTE}`);
  L.push(`import type { GuestVirtAddr } from "../../mem/types";`, "");
  L.push(`/** ABI major version; a PV image stamped with another major is refused. */`, `export const PV_ABI_MAJOR = ${def.major};`);
  L.push(`/** ABI minor version; the kernel serves images whose minor is at most this. */`, `export const PV_ABI_MINOR = ${def.minor};`);
  L.push(`/** Magic in EAX at guest entry and in every .pvabi note. */`, `export const PV_ABI_MAGIC = 0x${def.magic.toString(16)};`);
  L.push(`/** Interrupt vector of the trap binding. */`, `export const PV_TRAP_VECTOR = 0x${def.trapVector.toString(16)};`);
  L.push(`/** Registers carrying argument words 0..4 in the trap binding. */`, `export const PV_ARG_REGISTERS = [${REGS.map((r) => `"${r}"`).join(", ")}] as const;`, "");
  L.push(`/** Service ids (EAX of the trap); never reused. */`, `export enum ServiceId {`);
  for (const s of def.services) L.push(`  /** ${s.summary} */`, `  ${pascal(s.name)} = ${s.id},`);
  L.push(`}`, "", `/** apexvisor error codes returned in EAX (negative). */`, `export enum PvError {`);
  for (const e of def.errors) L.push(`  ${e.name} = ${e.value},`);
  L.push(`}`);
  for (const en of def.enums) {
    L.push("", `/** ${en.doc} */`, `export enum ${pascal(en.name)} {`);
    for (const v of en.values) L.push(`  ${v.name} = ${v.value},`);
    L.push(`}`);
  }
  L.push("", `/** Decoded argument tuple of each service, in definition order (u64 = two words, lo first). */`, `export interface ServiceArgs {`);
  for (const s of def.services) {
    const tuple = s.args.map((a) => `${camel(a.name)}: ${tsArgType(a)}`).join(", ");
    L.push(`  readonly ${camel(s.name)}: readonly [${tuple}];`);
  }
  L.push(`}`, "", `/** Handler key of a service (camelCase name). */`, `export type ServiceKey = keyof ServiceArgs;`, "");
  L.push(`/** One handler per service: leaving one out is a compile error. Ctx is the kernel's call context, R its result. */`);
  L.push(`export type ServiceHandlers<Ctx, R> = { readonly [K in ServiceKey]: (ctx: Ctx, ...args: ServiceArgs[K]) => R };`, "");
  L.push(`/** Who may call a service. */`, `export type ServicePermission = "any" | "system-partition" | "schedule-permitted";`);
  L.push(`/** How EAX reads on return: plain value, 0/error, count/error, or no normal return. */`, `export type ServiceResultKind = "value" | "status" | "count" | "none";`);
  L.push(`/** Byte length of a pointer argument: another argument's value, or fixed. */`, `export type ArgLength = { readonly by: "arg"; readonly index: number } | { readonly by: "size"; readonly bytes: number };`);
  L.push(`/** One argument: its kind, name and first word (0 = EBX .. 4 = EDI; cdecl stack word for the other bindings). */`);
  L.push(`export type ArgDescriptor =`);
  L.push(`  | { readonly kind: "u32" | "i32" | "u64" | "code"; readonly name: string; readonly word: number }`);
  L.push(`  | { readonly kind: "ptr"; readonly name: string; readonly word: number; readonly dir: "in" | "out" | "inout"; readonly len: ArgLength };`);
  L.push(`/** Everything the dispatcher needs to check one call before its handler runs. */`, `export interface ServiceDescriptor {`);
  L.push(`  readonly id: ServiceId;`, `  readonly name: string;`, `  readonly key: ServiceKey;`, `  readonly permission: ServicePermission;`);
  L.push(`  readonly result: ServiceResultKind;`, `  readonly libpv: "trap" | "flush-trap" | "local" | "buffered" | "resolver";`, `  readonly args: readonly ArgDescriptor[];`);
  L.push(`  readonly errors: readonly { readonly code: PvError; readonly arinc: ArincReturnCode | null }[];`, `}`, "");
  L.push(`/** Every live service, in id order. */`, `export const SERVICES: readonly ServiceDescriptor[] = [`);
  for (const s of def.services) L.push(descriptor(s));
  L.push(`];`, "");
  L.push(`/** Ids that were published and withdrawn; the dispatcher answers them with ENOSYS. */`);
  L.push(`export const RETIRED_SERVICE_IDS: readonly number[] = [${def.retired.map((r) => r.id).join(", ")}];`, "");
  L.push(`/** libpv-local function names (exports with no trap id), bindable ones only. */`);
  L.push(`export const LOCAL_FUNCTIONS: readonly string[] = [${def.local.filter((l) => l.bindable).map((l) => `"${def.prefix}${l.name}"`).join(", ")}];`);
  L.push("");
  return L.join("\n");
}
