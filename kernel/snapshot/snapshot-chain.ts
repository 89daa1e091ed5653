// Incremental snapshots: a delta file stores only the RAM pages written since its base (the snapshot it
// was restored from) and names that base by its header checksum. This file applies one delta to its
// already resolved base; finding and reading the files is the host's (kernel/host/node/snapshot-io.ts).
import type { SnapshotContent, SnapshotMachine } from "./snapshot-file";

/** Longest chain restore follows (base -> delta -> ... -> delta): a guard against hand-made loops. */
export const MAX_CHAIN = 64;

/** The full content of `delta` over `base`, or the one-line reason the pair does not fit. */
export function applyDelta(delta: SnapshotContent, base: SnapshotContent): { ok: true; content: SnapshotContent } | { ok: false; error: string } {
  const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
  const ref = delta.base;
  if (ref === undefined) return { ok: true, content: delta };
  if (base.checksum !== ref.checksum) {
    return fail(`base snapshot ${ref.file}: its checksum ${short(base.checksum)} is not the ${short(ref.checksum)} this delta was made against`);
  }
  if (base.kind !== delta.kind) return fail(`base snapshot ${ref.file}: a ${base.kind} snapshot under a ${delta.kind} delta`);
  if (base.machines.length !== delta.machines.length) return fail(`base snapshot ${ref.file}: ${base.machines.length} machines, the delta has ${delta.machines.length}`);
  const machines: SnapshotMachine[] = [];
  for (const [i, m] of delta.machines.entries()) {
    const b = base.machines[i]!;
    if (b.name !== m.name || b.ramBytes !== m.ramBytes) return fail(`machine note ${m.name}: the base has ${b.name} with ${b.ramBytes} bytes of RAM in that place`);
    if (m.runs === undefined) {
      machines.push(m); // saved whole (its RAM was rebuilt since the base, e.g. a partition restart)
      continue;
    }
    const ram = new Uint8Array(m.ramBytes);
    ram.set(b.ram);
    for (const r of m.runs) ram.set(r.data, r.addr);
    const { runs: _applied, ...rest } = m;
    machines.push({ ...rest, ram });
  }
  const { base: _base, ...rest } = delta;
  return { ok: true, content: { ...rest, machines } };
}

function short(checksum: string | undefined): string {
  return checksum === undefined ? "(none)" : `${checksum.slice(0, 12)}...`;
}
