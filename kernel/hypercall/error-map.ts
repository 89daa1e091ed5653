// The explicit translations at the paravirt boundary: kernel-core outcomes and ARINC return codes to
// the PV_E* codes a guest sees (abi.json "errors"; the guest maps back with pv_abi_to_arinc).
import { ReturnCode, type ServiceOutcome } from "../ports/return-codes";
import { PvError } from "./generated/abi-generated";

/** PV error for a core outcome (each service's error table in ABI.md agrees with this). */
export function pvErrorOf(outcome: ServiceOutcome): PvError {
  switch (outcome) {
    case "ok":
      return PvError.OK;
    case "noChange":
    case "noMessage":
      return PvError.ENOACTION;
    case "full":
    case "empty":
    case "timedOut":
      return PvError.EUNAVAIL;
    case "badParam":
    case "unknownId":
      return PvError.EINVAL;
    case "unknownName":
      return PvError.ENOENT;
    case "configMismatch":
    case "tooLarge":
    case "overflowed":
      return PvError.ECONFIG;
    case "notPermitted":
      return PvError.ENOSYS;
    case "wrongDirection":
    case "wrongMode":
      return PvError.EMODE;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unhandled outcome ${String(unreachable)}`);
    }
  }
}

/** PV error for an ARINC return code (services the kernel core answers in RETURN_CODE_TYPE). */
export function pvErrorOfReturnCode(code: ReturnCode): PvError {
  switch (code) {
    case ReturnCode.NO_ERROR:
      return PvError.OK;
    case ReturnCode.NO_ACTION:
      return PvError.ENOACTION;
    case ReturnCode.NOT_AVAILABLE:
    case ReturnCode.TIMED_OUT:
      return PvError.EUNAVAIL;
    case ReturnCode.INVALID_PARAM:
      return PvError.EINVAL;
    case ReturnCode.INVALID_CONFIG:
      return PvError.ECONFIG;
    case ReturnCode.INVALID_MODE:
      return PvError.EMODE;
    default: {
      const unreachable: never = code;
      throw new Error(`unhandled return code ${String(unreachable)}`);
    }
  }
}
