// Reads Connection_Table / Channel / Source / Destination with their Standard_Partition or
// Pseudo_Partition endpoints. Port checks against the partitions live in check-channels.ts.
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { SourcePos } from "./model";
import { readPartitionRef } from "./partition-ref";
import type { PartitionRef } from "./partition-ref";
import type { XmlElement } from "./xml-tree";

/** A channel endpoint as read. */
export type EndpointDraft =
  | { readonly kind: "partition"; readonly ref: PartitionRef; readonly port: string; readonly pos: SourcePos }
  | { readonly kind: "pseudo"; readonly name: string | undefined; readonly pos: SourcePos };

/** A Channel as read; endpoints that could not be read are left out. */
export interface ChannelDraft {
  readonly id: number | undefined;
  readonly name: string | undefined;
  readonly source: EndpointDraft | undefined;
  readonly destinations: readonly EndpointDraft[];
  /** False when an endpoint could not be read: endpoint-count checks then skip it. */
  readonly complete: boolean;
  readonly pos: SourcePos;
}

/** Reads a Connection_Table into channel drafts. */
export function readConnectionTable(el: XmlElement, sink: DiagnosticSink): ChannelDraft[] {
  const r = new ElementReader(el, sink);
  const groups = r.children([{ local: "Channel", min: 0, max: Infinity }]);
  r.finish();
  return (groups.get("Channel") ?? []).map((c) => readChannel(c, sink));
}

function readChannel(el: XmlElement, sink: DiagnosticSink): ChannelDraft {
  const before = sink.count;
  const r = new ElementReader(el, sink);
  const id = r.int("ChannelIdentifier", true);
  const name = r.nameAttr("ChannelName", false);
  const groups = r.children([
    { local: "Source", min: 1, max: 1 },
    { local: "Destination", min: 1, max: Infinity },
  ]);
  r.finish();
  const sourceEl = (groups.get("Source") ?? [])[0];
  const source = sourceEl && readEndpoint(sourceEl, sink);
  const destinations: EndpointDraft[] = [];
  for (const d of groups.get("Destination") ?? []) {
    const ep = readEndpoint(d, sink);
    if (ep) destinations.push(ep);
  }
  return { id, name, source, destinations, complete: sink.count === before, pos: el.pos };
}

function readEndpoint(el: XmlElement, sink: DiagnosticSink): EndpointDraft | undefined {
  const r = new ElementReader(el, sink);
  const groups = r.children([
    { local: "Standard_Partition", min: 0, max: Infinity },
    { local: "Pseudo_Partition", min: 0, max: Infinity },
  ]);
  r.finish();
  const std = groups.get("Standard_Partition") ?? [];
  const pseudo = groups.get("Pseudo_Partition") ?? [];
  if (std.length + pseudo.length !== 1) {
    if (std.length + pseudo.length === 0) r.error(`${el.local} needs one Standard_Partition or Pseudo_Partition`);
    else r.error(`${el.local} has more than one endpoint; give exactly one Standard_Partition or Pseudo_Partition`);
    return undefined;
  }
  const s = std[0];
  if (s) {
    const sr = new ElementReader(s, sink);
    const ref = readPartitionRef(sr);
    const port = sr.nameAttr("PortName", true);
    sr.int("PhysicalAddress", false, { max: 0xffff_ffff });
    sr.children([]);
    sr.finish();
    return ref && port !== undefined ? { kind: "partition", ref, port, pos: s.pos } : undefined;
  }
  const p = pseudo[0];
  if (!p) return undefined;
  const pr = new ElementReader(p, sink);
  const name = pr.nameAttr("Name", false);
  pr.int("PhysicalAddress", false, { max: 0xffff_ffff });
  pr.string("Procedure", false);
  pr.children([]);
  pr.finish();
  return { kind: "pseudo", name, pos: p.pos };
}
