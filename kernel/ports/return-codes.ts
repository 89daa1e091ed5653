// ARINC 653 RETURN_CODE_TYPE and the one explicit translation from the kernel cores' typed outcomes
// to it. The cores never hand out return-code numbers themselves; services translate here, once.

/** ARINC 653 RETURN_CODE_TYPE values (P1 supplement 5; same numbering in POK, apex.ads, a653rs). */
export const ReturnCode = {
  NO_ERROR: 0,
  NO_ACTION: 1,
  NOT_AVAILABLE: 2,
  INVALID_PARAM: 3,
  INVALID_CONFIG: 4,
  INVALID_MODE: 5,
  TIMED_OUT: 6,
} as const;
/** One RETURN_CODE_TYPE value. */
export type ReturnCode = (typeof ReturnCode)[keyof typeof ReturnCode];

/**
 * What a kernel core says about a request, in its own words. Several outcomes share a return code;
 * keeping them apart makes traces and tests say why a request failed.
 */
export type ServiceOutcome =
  /** The request was carried out. */
  | "ok"
  /** The request asks for the state that already holds (NORMAL->NORMAL, create an existing port). */
  | "noChange"
  /** A sampling port that has never received a message. */
  | "noMessage"
  /** A queue has no room (and the caller may not wait). */
  | "full"
  /** A queue has no message (and the caller may not wait). */
  | "empty"
  /** An argument is out of its range (length <= 0, unknown enum value). */
  | "badParam"
  /** An identifier that names nothing the caller owns. */
  | "unknownId"
  /** A name that the configuration does not know. */
  | "unknownName"
  /** Arguments that disagree with the configuration (size, direction, refresh period). */
  | "configMismatch"
  /** A message longer than the port's MaxMessageSize. */
  | "tooLarge"
  /** The caller is not allowed to make this request by configuration. */
  | "notPermitted"
  /** A message was received, but the queue overflowed since the last receive. */
  | "overflowed"
  /** A port used against its direction (write a DESTINATION, read a SOURCE). */
  | "wrongDirection"
  /** The request is not allowed in the current operating mode. */
  | "wrongMode"
  /** A wait ended because its timeout expired. */
  | "timedOut";

/** Translates a core outcome to the ARINC 653 return code a guest sees. */
export function toReturnCode(outcome: ServiceOutcome): ReturnCode {
  switch (outcome) {
    case "ok":
      return ReturnCode.NO_ERROR;
    case "noChange":
    case "noMessage":
      return ReturnCode.NO_ACTION;
    case "full":
    case "empty":
      return ReturnCode.NOT_AVAILABLE;
    case "badParam":
    case "unknownId":
      return ReturnCode.INVALID_PARAM;
    case "unknownName":
    case "configMismatch":
    case "tooLarge":
    case "notPermitted":
    case "overflowed":
      return ReturnCode.INVALID_CONFIG;
    case "wrongDirection":
    case "wrongMode":
      return ReturnCode.INVALID_MODE;
    case "timedOut":
      return ReturnCode.TIMED_OUT;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unhandled outcome ${String(unreachable)}`);
    }
  }
}

/** Every outcome, in declaration order (for exhaustive tests and documentation tables). */
export const ALL_OUTCOMES: readonly ServiceOutcome[] = [
  "ok",
  "noChange",
  "noMessage",
  "full",
  "empty",
  "badParam",
  "unknownId",
  "unknownName",
  "configMismatch",
  "tooLarge",
  "notPermitted",
  "overflowed",
  "wrongDirection",
  "wrongMode",
  "timedOut",
];
