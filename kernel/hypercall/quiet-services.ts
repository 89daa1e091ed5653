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
