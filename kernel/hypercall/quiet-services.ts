// The services whose handlers neither read what publishing the time touches (the time words, the timers,
// pending virqs; a kick only ORs its bit in) nor change guest memory or the caller's timers. Around one of
// them the kernel publishes the time only where the guest can see the page: once where the guest resumes,
// none at the trap (pv-vm.ts serviceHypercall). A table by id, so the trap path indexes it; any service not
// listed is treated as loud: it gets the trap's time before its handler and a publication after it.
import { SERVICES, type ServiceKey } from "./generated/abi-generated";

/** Handlers that only compute an answer (or raise a pending bit): no copy-out, no slot or ring write, no timer. */
const QUIET: readonly ServiceKey[] = ["abiVersion", "abiFeatures", "null", "virqKick", "windowYield"];

const QUIET_BY_ID: Uint8Array = (() => {
  const table = new Uint8Array(SERVICES.reduce((n, s) => Math.max(n, s.id + 1), 0));
  for (const s of SERVICES) if (QUIET.includes(s.key)) table[s.id] = 1;
  return table;
})();

/** True when service `id` is quiet (see above); false for unknown ids. */
export function isQuietService(id: number): boolean {
  return id >= 0 && id < QUIET_BY_ID.length && QUIET_BY_ID[id] === 1;
}

/**
 * The quiet services that always resume the caller with an answer: no yield, no sleep, nothing for the
 * runner to do once served (no deferred action, mode change or HM event). A PV VM may serve these inside its
 * own run slice, without returning to the module runner (PartitionVm.runNs's `inPlace`).
 */
export const IN_PLACE: readonly ServiceKey[] = ["abiVersion", "abiFeatures", "null", "virqKick"];

const IN_PLACE_BY_ID: Uint8Array = (() => {
  const table = new Uint8Array(QUIET_BY_ID.length);
  for (const s of SERVICES) if (IN_PLACE.includes(s.key)) {
    if (!QUIET.includes(s.key)) throw new Error(`service ${s.key} is served in place but is not quiet`);
    table[s.id] = 1;
  }
  return table;
})();

/** True when service `id` may be served in place (IN_PLACE); false for unknown ids. */
export function isInPlaceService(id: number): boolean {
  return id >= 0 && id < IN_PLACE_BY_ID.length && IN_PLACE_BY_ID[id] === 1;
}
