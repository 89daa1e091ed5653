// The ports of a full-virtualized partition: its unmodified guest reaches them only through the PC's
// "sampling_ports" device (kernel/devices/sampling-ports.ts), so only sampling ports, at most 65535 bytes
// (the device's 16-bit LENGTH), and the device must be on the machine; a guest with the "apx_services"
// device (kernel/devices/apx-services.md) calls the APEX port services and may have any port. Pure: diagnostics out.
import type { DiagnosticSink } from "./diagnostic";
import type { PartitionGuestConfig, PortConfig, SourcePos } from "./model";

/** Largest message the device's LENGTH register describes. */
const DEVICE_MAX_MESSAGE = 0xffff;

/** Reports what an FV partition's ports and device list cannot do together; nothing for a PV partition. */
export function checkFvPorts(partition: string, ports: readonly PortConfig[], guest: PartitionGuestConfig, pos: SourcePos, sink: DiagnosticSink): void {
  if (guest.kind !== "FV") return;
  if (guest.devices.some((d) => d.toLowerCase() === "apx_services")) return;
  const sampling = ports.filter((p) => p.kind === "sampling");
  for (const p of ports) {
    if (p.kind === "queuing") sink.error(p.pos, `queuing port "${p.name}": an FV partition reaches only sampling ports (through its sampling_ports device); make it a Sampling_Port or move it to a PV partition`);
    else if (p.maxMessageSize > DEVICE_MAX_MESSAGE) sink.error(p.pos, `sampling port "${p.name}": MaxMessageSize ${p.maxMessageSize} is more than the ${DEVICE_MAX_MESSAGE} bytes the sampling_ports device of an FV partition can move`);
  }
  const listed = guest.devices.some((d) => d.toLowerCase() === "sampling_ports");
  // With no apx:Device list the PC gets the device by itself when there are sampling ports.
  if (guest.devices.length > 0 && sampling.length > 0 && !listed) {
    sink.error(guest.pos ?? pos, `partition "${partition}" has sampling ports but its apx:Device list has no sampling_ports, so its guest could not reach them; add <apx:Device Name="sampling_ports"/>`);
  }
  if (listed && sampling.length === 0) sink.error(guest.pos ?? pos, `partition "${partition}" lists the sampling_ports device but has no Sampling_Port for it to reach`);
}
