// Connects an FV partition's "sampling_ports" device (kernel/devices/sampling-ports.ts) to the module's port
// services bound to that partition: port index (configuration order) -> kernel port id -> READ/WRITE, and the
// kernel's outcome -> the ARINC 653 RETURN_CODE the guest reads. No message is stored here.
import type { PartitionConfig, SamplingPortConfig } from "../config/model";
import type { SamplingPortLink } from "../devices/sampling-ports";
import type { PortServices } from "../module/partition-vm";
import { toReturnCode } from "../ports/return-codes";

/** The sampling ports of `p`, in configuration order: index i of the device is the i-th of these. */
export function samplingPortsOf(p: PartitionConfig): SamplingPortConfig[] {
  return p.ports.flatMap((c) => (c.kind === "sampling" ? [c] : []));
}

/**
 * The device's link for partition `p`. `services` is asked at the first access (the module runner binds a
 * partition's services once every partition exists); the runner creates the ports when the partition starts.
 */
export function samplingPortLink(p: PartitionConfig, services: () => PortServices): SamplingPortLink {
  const ports = samplingPortsOf(p);
  let bound: PortServices | undefined;
  const svc = (): PortServices => (bound ??= services());
  /** The kernel id of port `index` (created by the runner when the partition started), or the refusal. */
  const idOf = (index: number): { ok: true; id: number } | { ok: false; code: ReturnType<typeof toReturnCode> } => {
    const port = ports[index];
    if (port === undefined) return { ok: false, code: toReturnCode("badParam") };
    const r = svc().idOf("sampling", port.name);
    return r.outcome === "ok" || r.outcome === "noChange" ? { ok: true, id: r.id } : { ok: false, code: toReturnCode(r.outcome) };
  };
  return {
    ports: ports.map((c) => ({ name: c.name, direction: c.direction, maxMessageSize: c.maxMessageSize })),
    read: (index) => {
      const id = idOf(index);
      if (!id.ok) return { returnCode: id.code, message: new Uint8Array(0), valid: false };
      const got = svc().readSampling(id.id);
      return { returnCode: toReturnCode(got.outcome), message: got.message, valid: got.validity === "VALID" };
    },
    write: (index, data) => {
      const id = idOf(index);
      return id.ok ? toReturnCode(svc().writeSampling(id.id, data)) : id.code;
    },
  };
}
