// The parsed, validated paravirt ABI definition (paravirt-abi/abi.json) as plain readonly data.
// Parsing and checking live in parse.ts; struct offsets in layout.ts; this file only names the shapes.

/** Scalar or array field type of a shared struct; every field sits at its natural alignment. */
export type FieldType =
  | { readonly kind: "u8" | "u16" | "u32" | "u64" | "i32" | "i64" }
  | { readonly kind: "char" | "u8array"; readonly count: number };

/** One field of a struct with its computed offset and size in bytes. */
export interface StructField {
  readonly name: string;
  readonly type: FieldType;
  readonly offset: number;
  readonly size: number;
  readonly doc: string;
}

/** A struct shared between kernel and guest (start-info, shared page, service arguments). */
export interface StructDef {
  readonly name: string;
  readonly doc: string;
  readonly fields: readonly StructField[];
  readonly size: number;
}

/** A trap argument: a 32-bit or 64-bit value, a code address, or a checked guest pointer. */
export type ArgDef =
  | { readonly kind: "u32" | "i32" | "u64" | "code"; readonly name: string }
  | {
      readonly kind: "ptr";
      readonly name: string;
      readonly dir: "in" | "out" | "inout";
      /** Byte length: another argument's value, a fixed size, or a struct's size. */
      readonly len: { readonly by: "arg"; readonly arg: string } | { readonly by: "size"; readonly bytes: number } | { readonly by: "struct"; readonly struct: string; readonly bytes: number };
    };

/** How a service's EAX result reads: a plain value, 0/error, a non-negative count/error, or nothing (never returns normally). */
export type ResultKind = "value" | "status" | "count" | "none";
/** Which partitions may call a service. */
export type Permission = "any" | "system-partition" | "schedule-permitted";
/** How libpv serves a service: trap, flush its console buffer then trap, locally, buffered then trap, or as the resolver entry. */
export type LibpvMode = "trap" | "flush-trap" | "local" | "buffered" | "resolver";

/** One error a service may return, with its ARINC translation when the service backs an APEX call. */
export interface ServiceError {
  readonly code: string;
  readonly when: string;
  readonly arinc: string | null;
}

/** One kernel service (a trap id). */
export interface ServiceDef {
  readonly id: number;
  readonly name: string;
  readonly args: readonly ArgDef[];
  readonly result: ResultKind;
  readonly permission: Permission;
  readonly libpv: LibpvMode;
  readonly summary: string;
  readonly doc: string;
  readonly errors: readonly ServiceError[];
}

/** A libpv-local function (no trap id): served entirely in the partition. */
export interface LocalDef {
  readonly name: string;
  readonly args: readonly { readonly name: string }[];
  readonly result: "u32" | "void" | "status";
  /** False for internal entries (pv_enosys) that the resolver never binds by name. */
  readonly bindable: boolean;
  readonly summary: string;
  readonly doc: string;
}

/** A named number with a doc line. */
export interface NamedValue {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}

/** An enumeration emitted as PREFIX_NAME constants. */
export interface EnumDef {
  readonly name: string;
  readonly prefix: string;
  readonly doc: string;
  readonly values: readonly NamedValue[];
}

/** A withdrawn service: its id and name stay reserved forever. */
export interface RetiredService {
  readonly id: number;
  readonly name: string;
}

/** The whole validated ABI. */
export interface AbiDefinition {
  readonly major: number;
  readonly minor: number;
  readonly magic: number;
  readonly trapVector: number;
  readonly prefix: string;
  readonly constants: readonly NamedValue[];
  readonly errors: readonly NamedValue[];
  readonly enums: readonly EnumDef[];
  readonly structs: readonly StructDef[];
  readonly services: readonly ServiceDef[];
  readonly local: readonly LocalDef[];
  readonly retired: readonly RetiredService[];
}

/** Number of 32-bit words an argument takes in registers (trap) or on the stack (cdecl). */
export function argWords(a: ArgDef): number {
  return a.kind === "u64" ? 2 : 1;
}

/** Most argument words a trap carries (EBX, ECX, EDX, ESI, EDI). */
export const MAX_ARG_WORDS = 5;
