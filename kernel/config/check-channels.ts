// Checks channels against the partitions' ports: endpoints exist, source is a SOURCE port and
// destinations DESTINATION ports of the same kind with MaxMessageSize >= the source's, a queuing
// channel has one destination, and a port is in at most one channel. Produces ChannelConfig.
import type { DiagnosticSink } from "./diagnostic";
import type { ChannelConfig, ChannelEndpoint, PartitionConfig, PortConfig, PortDirection } from "./model";
import { resolvePartition } from "./partition-ref";
import type { ChannelDraft, EndpointDraft } from "./read-channels";

interface Resolved {
  readonly endpoint: ChannelEndpoint;
  readonly port: PortConfig | undefined;
}

/** Validates every channel and returns those whose endpoints all resolved. */
export function checkChannels(
  drafts: readonly ChannelDraft[],
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): ChannelConfig[] {
  const out: ChannelConfig[] = [];
  const ids = new Map<number, ChannelDraft>();
  const names = new Map<string, ChannelDraft>();
  const portUse = new Map<string, number>();
  for (const ch of drafts) {
    if (ch.id !== undefined) {
      const prev = ids.get(ch.id);
      if (prev) sink.error(ch.pos, `ChannelIdentifier ${ch.id} is already used by the channel at line ${prev.pos.line}`);
      else ids.set(ch.id, ch);
    }
    if (ch.name !== undefined) {
      const prev = names.get(ch.name);
      if (prev) sink.error(ch.pos, `ChannelName "${ch.name}" is already used by the channel at line ${prev.pos.line}`);
      else names.set(ch.name, ch);
    }
    const label = `channel ${ch.id ?? "?"}`;
    const resolve = (ep: EndpointDraft, dir: PortDirection): Resolved | undefined => {
      const r = resolveEndpoint(ep, dir, label, partitions, sink);
      if (r?.port && ep.kind === "partition") {
        const key = `${ep.ref.id}/${r.port.name}`;
        const prev = portUse.get(key);
        if (prev !== undefined && prev !== ch.id) {
          sink.error(ep.pos, `port "${r.port.name}" of partition ${ep.ref.id} is already connected by channel ${prev}; a port belongs to one channel`);
        } else portUse.set(key, ch.id ?? -1);
      }
      return r;
    };
    const source = ch.source && resolve(ch.source, "SOURCE");
    const dests = ch.destinations.map((d) => resolve(d, "DESTINATION"));
    if (source?.port) {
      const src = source.port;
      if (src.kind === "queuing" && ch.complete && ch.destinations.length !== 1) {
        sink.error(ch.pos, `${label} connects queuing port "${src.name}" to ${ch.destinations.length} destinations; a queuing channel has exactly one`);
      }
      for (const d of dests) {
        if (!d?.port) continue;
        if (d.port.kind !== src.kind) {
          sink.error(d.endpoint.pos, `${label} connects ${src.kind} port "${src.name}" to ${d.port.kind} port "${d.port.name}"; both ends must be the same kind`);
        } else if (d.port.maxMessageSize < src.maxMessageSize) {
          sink.error(
            d.endpoint.pos,
            `destination port "${d.port.name}" takes ${d.port.maxMessageSize}-byte messages, smaller than the source's MaxMessageSize ${src.maxMessageSize}`,
          );
        }
      }
    }
    if (ch.id !== undefined && source && dests.every((d) => d !== undefined) && dests.length > 0) {
      out.push({
        id: ch.id,
        name: ch.name,
        source: source.endpoint,
        destinations: dests.flatMap((d) => (d ? [d.endpoint] : [])),
        pos: ch.pos,
      });
    }
  }
  return out;
}

function resolveEndpoint(
  ep: EndpointDraft,
  direction: PortDirection,
  label: string,
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): Resolved | undefined {
  switch (ep.kind) {
    case "pseudo":
      return { endpoint: { kind: "pseudo", name: ep.name, pos: ep.pos }, port: undefined };
    case "partition": {
      const p = resolvePartition(ep.ref, partitions, `the ${label} endpoint`, sink);
      if (!p) return undefined;
      const port = p.ports.find((x) => x.name === ep.port);
      if (!port) {
        const known = p.ports.map((x) => `"${x.name}"`).join(", ");
        sink.error(ep.pos, `partition "${p.name}" has no port named "${ep.port}" (its ports: ${known || "none"})`);
        return undefined;
      }
      if (port.direction !== direction) {
        const role = direction === "SOURCE" ? "source" : "destination";
        sink.error(ep.pos, `port "${port.name}" of "${p.name}" is a ${port.direction} port but is used as the ${role} of ${label}; a ${role} must be a ${direction} port`);
      }
      return { endpoint: { kind: "partition", partition: p.id, port: port.name, pos: ep.pos }, port };
    }
    default: {
      const never: never = ep;
      throw new Error(`unknown endpoint ${String(never)}`);
    }
  }
}
