// Formats a validated SystemConfig as the short text summary `apexvisor validate` prints. Pure.
import { formatDuration } from "./decimal-time";
import type { PartitionConfig, SystemConfig } from "./model";

function kib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

function partitionLine(p: PartitionConfig): string {
  const memory = p.memory.reduce((sum, r) => sum + r.sizeBytes, 0);
  const guest = p.guest.kind === "PV" ? `PV/${p.guest.binding}` : "FV";
  const image = p.guest.image ?? "(no image)";
  const ports = p.ports.length === 1 ? "1 port" : `${p.ports.length} ports`;
  return `  [${p.id}] ${p.name}  ${guest}  ${image}  memory ${kib(memory)} in ${p.memory.length} region(s)  ${ports}`;
}

/** The lines of the summary, without trailing newlines. */
export function summarize(config: SystemConfig): string[] {
  const lines: string[] = [];
  lines.push(`${config.file}: valid ARINC 653 module${config.moduleName ? ` "${config.moduleName}"` : ""}`);
  lines.push(`partitions: ${config.partitions.length}`);
  for (const p of config.partitions) lines.push(partitionLine(p));
  lines.push(`schedules: ${config.schedules.length}`);
  const names = new Map(config.partitions.map((p) => [p.id as number, p.name]));
  for (const s of config.schedules) {
    const initial = s.initial ? ", initial" : "";
    lines.push(`  [${s.id}] ${s.name}: major frame ${formatDuration(s.majorFrame)}, ${s.windows.length} window(s)${initial}`);
    for (const w of s.windows) {
      lines.push(`    ${formatDuration(w.start)} +${formatDuration(w.duration)}  ${names.get(w.partition) ?? String(w.partition)}`);
    }
  }
  lines.push(`channels: ${config.channels.length}`);
  for (const c of config.channels) {
    const end = (e: SystemConfig["channels"][number]["source"]): string =>
      e.kind === "partition" ? `${names.get(e.partition) ?? String(e.partition)}.${e.port}` : `pseudo ${e.name ?? "?"}`;
    lines.push(`  [${c.id}] ${end(c.source)} -> ${c.destinations.map(end).join(", ")}`);
  }
  lines.push(
    `health monitoring: system ${config.systemHm.length} entries, module ${config.moduleHm.length} entries, ` +
      `partition tables ${config.partitionHm.length}`,
  );
  return lines;
}
