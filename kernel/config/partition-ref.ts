// A reference to a partition from elsewhere in the module (PartitionIdentifier plus an optional
// PartitionName that must agree), and its resolution against the partitions read.
import type { DiagnosticSink } from "./diagnostic";
import type { ElementReader } from "./element-reader";
import type { PartitionConfig, SourcePos } from "./model";

/** PartitionIdentifier / PartitionName as written on a referring element. */
export interface PartitionRef {
  readonly id: number;
  readonly name: string | undefined;
  readonly pos: SourcePos;
}

/** Reads PartitionIdentifier (required) and PartitionName (optional) from `r`. */
export function readPartitionRef(r: ElementReader): PartitionRef | undefined {
  const id = r.int("PartitionIdentifier", true);
  const name = r.nameAttr("PartitionName", false);
  return id === undefined ? undefined : { id, name, pos: r.pos };
}

/** Finds the partition `ref` names, reporting an unknown id or a PartitionName that disagrees. */
export function resolvePartition(
  ref: PartitionRef,
  partitions: ReadonlyMap<number, PartitionConfig>,
  where: string,
  sink: DiagnosticSink,
): PartitionConfig | undefined {
  const p = partitions.get(ref.id);
  if (!p) {
    const known = [...partitions.keys()].sort((a, b) => a - b).join(", ");
    sink.error(ref.pos, `${where} names PartitionIdentifier ${ref.id}, but no Partition has it (known: ${known || "none"})`);
    return undefined;
  }
  if (ref.name !== undefined && ref.name !== p.name) {
    sink.error(ref.pos, `${where} gives PartitionName "${ref.name}" but partition ${ref.id} is named "${p.name}"`);
  }
  return p;
}
