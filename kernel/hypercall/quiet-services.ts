// The services whose handlers change neither guest memory nor the caller's timers: after one of them the
// kernel need not publish the time in the shared page a second time (nothing the first publication wrote
// can have moved). A table by id, so the trap path indexes it; any service not listed is treated as loud.
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
