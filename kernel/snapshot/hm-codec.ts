// HM records in the kernel note: HM log entries and the decisions an HM callback holds back (a running
// PartitionCallback/ModuleCallback, a ModuleCallback waiting for its agent's next window). JSON out,
// checked JSON in; the caller checks partition ids against the module. Pure.
import type { ErrorCode, ErrorLevel, ModuleAction, PartitionAction } from "../config/model";
import { ERROR_CODES } from "../config/read-hm";
import { PARTITION_ACTIONS } from "../config/read-schedule";
import type { HmAction, HmDecision } from "../health/hm-decision";
import type { HmLogEntry } from "../health/hm-log";
import type { PartitionId } from "../mem/types";
import type { Fields } from "./json-fields";
import type { Json } from "./snapshot-file";

const LEVELS: readonly ErrorLevel[] = ["MODULE", "PARTITION", "PROCESS"];
const MODULE_ACTIONS: readonly ModuleAction[] = ["IGNORE", "SHUTDOWN", "RESET"];
/** Reads a partition id of the module (the caller's check names the field when it is not one). */
export type PartitionIdReader = (f: Fields, name: string) => PartitionId;

/** HmLogEntry -> JSON. */
export function encodeHmLogEntry(e: HmLogEntry): Json {
  return { time: e.time.toString(), partition: e.partition ?? null, systemState: e.systemState, errorId: e.errorId, errorCode: e.errorCode, level: e.level, action: e.action, message: e.message };
}

/** JSON -> HmLogEntry, every field checked. */
export function readHmLogEntry(e: Fields, pid: PartitionIdReader): HmLogEntry {
  const part = e.intOrNull("partition", 0, 0xffff);
  return {
    time: e.nanos("time"),
    partition: part === undefined ? undefined : pid(e, "partition"),
    systemState: e.int("systemState", 0, 0xffff),
    errorId: e.int("errorId", 0, 0xffff),
    errorCode: e.oneOf("errorCode", ERROR_CODES) as ErrorCode,
    level: e.oneOf("level", LEVELS),
    action: e.str("action", 256),
    message: e.str("message", 4096),
  };
}

/** HmDecision -> JSON. */
export function encodeHmDecision(d: HmDecision): Json {
  const a = d.action;
  const action: Json = a.kind === "module" ? { kind: a.kind, action: a.action } : a.kind === "partition" ? { kind: a.kind, partition: a.partition, action: a.action } : { kind: a.kind, partition: a.partition };
  return { level: d.level, errorId: d.errorId, errorCode: d.errorCode, action, target: d.target, levelFrom: d.levelFrom, actionFrom: d.actionFrom, logEntry: encodeHmLogEntry(d.logEntry) };
}

/** JSON -> HmDecision, every field checked. */
export function readHmDecision(f: Fields, pid: PartitionIdReader): HmDecision {
  const a = f.obj("action");
  const kind = a.oneOf("kind", ["module", "partition", "errorHandler"] as const);
  let action: HmAction;
  switch (kind) {
    case "module":
      action = { kind, action: a.oneOf("action", MODULE_ACTIONS) };
      break;
    case "partition":
      action = { kind, partition: pid(a, "partition"), action: a.oneOf("action", PARTITION_ACTIONS) as PartitionAction };
      break;
    case "errorHandler":
      action = { kind, partition: pid(a, "partition") };
      break;
    default: {
      const never: never = kind;
      throw new Error(`unknown action kind ${String(never)}`);
    }
  }
  return {
    level: f.oneOf("level", LEVELS),
    errorId: f.int("errorId", 0, 0xffff),
    errorCode: f.oneOf("errorCode", ERROR_CODES) as ErrorCode,
    action,
    target: f.isString("target") ? f.oneOf("target", ["module"] as const) : pid(f, "target"),
    levelFrom: f.oneOf("levelFrom", ["table", "default"] as const),
    actionFrom: f.oneOf("actionFrom", ["table", "default", "handler"] as const),
    logEntry: readHmLogEntry(f.obj("logEntry"), pid),
  };
}
