// The services whose handlers neither read what publishing the time touches (the time words, the timers,
// pending virqs; a kick only ORs its bit in) nor change guest memory or the caller's timers. Around one of
// them the kernel publishes the time only where the guest can see the page: once where the guest resumes,
// none at the trap (pv-vm.ts serviceHypercall). A table by id, so the trap path indexes it; any service not
// listed is treated as loud: it gets the trap's time before its handler and a publication after it.
import { SERVICES, type ServiceKey } from "./generated/abi-generated";

/** Handlers that only compute an answer (or raise a pending bit): no copy-out, no slot or ring write, no timer. */
const QUIET: readonly ServiceKey[] = ["abiVersion", "abiFeatures", "null", "virqKick", "windowYield"];

/** A table by service id: 1 for each service `keys` names. */
function tableById(keys: readonly ServiceKey[]): Uint8Array {
  const table = new Uint8Array(SERVICES.reduce((n, s) => Math.max(n, s.id + 1), 0));
  for (const s of SERVICES) if (keys.includes(s.key)) table[s.id] = 1;
  return table;
}

/** Whether `table` (tableById) holds service `id`; false for unknown ids. */
function holds(table: Uint8Array, id: number): boolean {
  return id >= 0 && id < table.length && table[id] === 1;
}

const QUIET_BY_ID = tableById(QUIET);

/** True when service `id` is quiet (see above); false for unknown ids. */
export function isQuietService(id: number): boolean {
  return holds(QUIET_BY_ID, id);
}

/**
 * The quiet services that always resume the caller with an answer: no yield, no sleep, nothing for the
 * runner to do once served (no deferred action, mode change or HM event). A PV VM may serve these inside its
 * own run slice, without returning to the module runner (PartitionVm.runNs's `inPlace`).
 */
export const IN_PLACE: readonly ServiceKey[] = ["abiVersion", "abiFeatures", "null", "virqKick"];

for (const key of IN_PLACE) if (!QUIET.includes(key)) throw new Error(`service ${key} is served in place but is not quiet`);
const IN_PLACE_BY_ID = tableById(IN_PLACE);

/** True when service `id` may be served in place (IN_PLACE); false for unknown ids. */
export function isInPlaceService(id: number): boolean {
  return holds(IN_PLACE_BY_ID, id);
}
