// The parts of a validated module the page draws: partitions, schedules and channels.
import type { SystemConfig } from "../kernel/config/model";
import type { ModuleView } from "./protocol";

/** The page's picture of `config`. */
export function moduleView(config: SystemConfig): ModuleView {
  const kindOf = new Map<string, "sampling" | "queuing">();
  for (const p of config.partitions) for (const port of p.ports) kindOf.set(`${p.id}/${port.name}`, port.kind);
  const channels = config.channels.flatMap((ch) => {
    if (ch.source.kind !== "partition") return [];
    const from = `${ch.source.partition}/${ch.source.port}`;
    const to = ch.destinations.flatMap((d) => (d.kind === "partition" ? [`${d.partition}/${d.port}`] : []));
    return [{ from, to, kind: kindOf.get(from) ?? ("sampling" as const) }];
  });
  return {
    name: config.moduleName ?? "module",
    clockHz: config.ext.clockHz,
    partitions: config.partitions.map((p) => ({ id: p.id as number, name: p.name, kind: p.guest.kind })),
    schedules: config.schedules.map((s) => ({ id: s.id, name: s.name, majorFrame: s.majorFrame })),
    channels,
  };
}
