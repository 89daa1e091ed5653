// The HM upcall record of the apx_services device (apx-services.md, "HM upcall"): what the kernel hands an FV
// guest on the device's interrupt line (an error for its error handler, or an HM callback to run), as the
// guest reads it field by field. Pure data and its snapshot codec; the chip is apx-services.ts.
import type { HmCallbackKind } from "../module/partition-vm";
import type { StateReader } from "./state-reader";

/** Why the line is up: the error handler has a record, or the PartitionCallback / ModuleCallback is to run. */
export type UpcallKind = "errorHandler" | "partitionCallback" | "moduleCallback";

/** KIND values the guest reads (0: no record). */
export const UPCALL_KIND_VALUE: Readonly<Record<UpcallKind, number>> = { errorHandler: 1, partitionCallback: 2, moduleCallback: 3 };

/** LEVEL values the guest reads: the HM level the tables gave the error. */
export const UPCALL_LEVEL_VALUE = { PROCESS: 1, PARTITION: 2, MODULE: 3 } as const;

/** One record, all fields 32-bit. */
export interface UpcallRecord {
  readonly kind: UpcallKind;
  /** ARINC 653 ERROR_CODE_TYPE value (health/system-state.ts ERROR_CODE_VALUES). */
  readonly code: number;
  /** UPCALL_LEVEL_VALUE of the decision. */
  readonly level: number;
  /** FAILED_ADDRESS as the fault report gave it (0 for a callback). */
  readonly failedAddress: number;
  /** The RTOS's id of the faulting process as the fault report named it (0: none). */
  readonly process: number;
  /** ErrorIdentifier of the HM tables' entry. */
  readonly errorId: number;
  /** System state the error was classified in. */
  readonly systemState: number;
  /** ModuleCallback: the partition in error (else the partition itself). */
  readonly partition: number;
  /** The callback's address (0 for the error handler): the symbol the XML names, found in the image. */
  readonly entry: number;
}

/** FIELD select values, in register order (apx-services.md): SELECT n then read DATA. */
export const UPCALL_FIELDS = ["kind", "code", "level", "failedAddress", "process", "errorId", "systemState", "partition", "entry"] as const;

/** Field `index` of `r` (0 for every field when no record waits, and for an index past the last). */
export function upcallField(r: UpcallRecord | null, index: number): number {
  if (r === null) return 0;
  const name = UPCALL_FIELDS[index];
  switch (name) {
    case undefined:
      return 0;
    case "kind":
      return UPCALL_KIND_VALUE[r.kind];
    default:
      return r[name] >>> 0;
  }
}

/**
 * What the guest's ACK of a record of this kind tells the kernel: nothing for the error handler's record (the
 * errors wait in the kernel's queue), the return of the HM callback of that kind otherwise.
 */
export function callbackOfUpcall(kind: UpcallKind): HmCallbackKind | undefined {
  switch (kind) {
    case "errorHandler":
      return undefined;
    case "partitionCallback":
      return "partition";
    case "moduleCallback":
      return "module";
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown upcall kind ${String(unreachable)}`);
    }
  }
}

/** The record kind that runs the HM callback `kind` (the inverse of callbackOfUpcall). */
export function upcallOfCallback(kind: HmCallbackKind): Exclude<UpcallKind, "errorHandler"> {
  return kind === "module" ? "moduleCallback" : "partitionCallback";
}

/** The kind whose KIND value is `v`, or undefined (a guest's ACK is checked against it). */
export function upcallKindOf(v: number): UpcallKind | undefined {
  return (Object.keys(UPCALL_KIND_VALUE) as UpcallKind[]).find((k) => UPCALL_KIND_VALUE[k] === v);
}

/** Reads a saved record (null allowed); throws through the reader on a bad field. */
export function readUpcall(r: StateReader, name: string): UpcallRecord | null {
  if (r.raw(name) === null) return null;
  const c = r.child(name);
  const u32 = 0xffffffff;
  return {
    kind: c.oneOf("kind", ["errorHandler", "partitionCallback", "moduleCallback"] as const),
    code: c.uint("code", u32),
    level: c.uintIn("level", [UPCALL_LEVEL_VALUE.PROCESS, UPCALL_LEVEL_VALUE.PARTITION, UPCALL_LEVEL_VALUE.MODULE]),
    failedAddress: c.uint("failedAddress", u32),
    process: c.uint("process", u32),
    errorId: c.uint("errorId", u32),
    systemState: c.uint("systemState", u32),
    partition: c.uint("partition", u32),
    entry: c.uint("entry", u32),
  };
}
