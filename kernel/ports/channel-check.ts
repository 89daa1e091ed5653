// Consistency rules for the Connection_Table that the port router relies on. The config validator
// can report these with positions; the router refuses a config that breaks them (a validator bug).
import type { ChannelConfig, ChannelEndpoint, PortConfig, SourcePos, SystemConfig } from "../config/model";

/** One broken channel rule, with the position of the offending element. */
export interface ChannelProblem {
  readonly channel: number;
  readonly message: string;
  readonly pos: SourcePos;
}

/** The configured port an endpoint names, if the endpoint is a partition port that exists. */
export function endpointPort(config: SystemConfig, endpoint: ChannelEndpoint): PortConfig | undefined {
  if (endpoint.kind !== "partition") return undefined;
  const partition = config.partitions.find((p) => p.id === endpoint.partition);
  return partition?.ports.find((port) => port.name === endpoint.port);
}

function endpointKey(endpoint: ChannelEndpoint): string | undefined {
  return endpoint.kind === "partition" ? `${endpoint.partition}/${endpoint.port}` : undefined;
}

/**
 * Every broken rule, in channel order: endpoints name existing ports; a source is a SOURCE port and a
 * destination a DESTINATION port; all ports of a channel are of one kind; a queuing channel has one
 * destination; a destination's MaxMessageSize is at least the source's; a port is in one channel only.
 */
export function channelProblems(config: SystemConfig): ChannelProblem[] {
  const problems: ChannelProblem[] = [];
  const used = new Set<string>();
  for (const ch of config.channels) checkChannel(config, ch, used, problems);
  return problems;
}

function checkChannel(config: SystemConfig, ch: ChannelConfig, used: Set<string>, problems: ChannelProblem[]): void {
  const say = (message: string, pos: SourcePos): void => {
    problems.push({ channel: ch.id, message: `channel ${ch.id}: ${message}`, pos });
  };
  const ends: [ChannelEndpoint, "SOURCE" | "DESTINATION"][] = [
    [ch.source, "SOURCE"],
    ...ch.destinations.map((d): [ChannelEndpoint, "DESTINATION"] => [d, "DESTINATION"]),
  ];
  const kinds = new Set<string>();
  for (const [end, direction] of ends) {
    const key = endpointKey(end);
    if (key === undefined) continue;
    const port = endpointPort(config, end);
    if (port === undefined) {
      say(`no port ${key}`, end.pos);
      continue;
    }
    if (port.direction !== direction) say(`port ${key} is a ${port.direction} port, used as ${direction}`, end.pos);
    if (used.has(key)) say(`port ${key} is already connected by another channel`, end.pos);
    used.add(key);
    kinds.add(port.kind);
  }
  if (kinds.size > 1) say("mixes sampling and queuing ports", ch.pos);
  if (kinds.has("queuing") && ch.destinations.length !== 1) say("a queuing channel has exactly one destination", ch.pos);
  const source = endpointPort(config, ch.source);
  for (const d of ch.destinations) {
    const port = endpointPort(config, d);
    if (source !== undefined && port !== undefined && port.maxMessageSize < source.maxMessageSize) {
      say(`destination ${endpointKey(d) ?? "?"} MaxMessageSize ${port.maxMessageSize} < source ${source.maxMessageSize}`, d.pos);
    }
  }
}
