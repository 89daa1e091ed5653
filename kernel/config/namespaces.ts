// The two namespaces the reader cares about. Standard ARINC 653 elements and attributes carry no
// namespace; apexvisor's own settings live in APX_NS. Every other namespace is vendor data, ignored.

/** Namespace of standard ARINC 653 configuration elements (none, as in the published schemas). */
export const ARINC_NS = "";
/** apexvisor's extension namespace (conventional prefix `apx`). */
export const APX_NS = "urn:apexvisor:ext:1";

/** True when the reader must understand a node of namespace `ns` (ours or the standard's). */
export function isKnownNamespace(ns: string): boolean {
  return ns === ARINC_NS || ns === APX_NS;
}

/** Display name for a node: the standard name bare, ours as `apx:Name`. */
export function displayName(local: string, ns: string): string {
  return ns === APX_NS ? `apx:${local}` : local;
}
