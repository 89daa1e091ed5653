// Typed, checked access to one XML element's attributes and children. Every query records the name
// as known, so finish() can report attributes nobody asked for; bad or missing values become
// diagnostics and the accessor returns undefined. No ARINC 653 structure is known here.
import type { Nanos } from "../mem/types";
import { parseSeconds } from "./decimal-time";
import type { DiagnosticSink } from "./diagnostic";
import type { SourcePos } from "./model";
import { APX_HOMES, APX_NS, ARINC_ELEMENTS, ARINC_NS, displayName, isKnownNamespace } from "./namespaces";
import { parseBoolean, parseDecOrHex, parseName } from "./values";
import type { ValueParse } from "./values";
import type { XmlAttribute, XmlElement } from "./xml-tree";

/** How many times a child element may appear. */
export interface ChildRule {
  readonly local: string;
  readonly ns?: string;
  readonly min: number;
  readonly max: number;
}

interface IntOptions {
  readonly min?: number;
  readonly max?: number;
  readonly ns?: string;
}

const I32_MAX = 0x7fff_ffff;

/** Reads one element; call finish() after the last query. */
export class ElementReader {
  private readonly known: string[] = [];

  constructor(
    readonly el: XmlElement,
    private readonly sink: DiagnosticSink,
  ) {}

  /** Where the element starts. */
  get pos(): SourcePos {
    return this.el.pos;
  }

  /** The element's display name. */
  get name(): string {
    return displayName(this.el.local, this.el.ns);
  }

  /** The attribute itself, if present (recorded as known either way). */
  attribute(local: string, ns: string = ARINC_NS): XmlAttribute | undefined {
    const key = displayName(local, ns);
    if (!this.known.includes(key)) this.known.push(key);
    return this.el.attributes.find((a) => a.local === local && a.ns === ns);
  }

  /** Reports an error at the element. */
  error(message: string): void {
    this.sink.error(this.el.pos, message);
  }

  private get<T>(local: string, required: boolean, ns: string, parse: (raw: string) => ValueParse<T>): T | undefined {
    const attr = this.attribute(local, ns);
    if (!attr) {
      if (required) this.error(`${this.name} is missing the required attribute ${displayName(local, ns)}`);
      return undefined;
    }
    const parsed = parse(attr.value);
    if (parsed.ok) return parsed.value;
    this.sink.error(attr.pos, `${displayName(local, ns)} "${attr.value}" ${parsed.reason}`);
    return undefined;
  }

  /** Any string. */
  string(local: string, required: boolean, ns: string = ARINC_NS): string | undefined {
    return this.get(local, required, ns, (value) => ({ ok: true, value }));
  }

  /** A NameType (1..30 characters). */
  nameAttr(local: string, required: boolean, ns: string = ARINC_NS): string | undefined {
    return this.get(local, required, ns, parseName);
  }

  /** A DecOrHexValueType integer, by default within 0..2^31-1. */
  int(local: string, required: boolean, opts: IntOptions = {}): number | undefined {
    return this.get(local, required, opts.ns ?? ARINC_NS, (raw) => parseDecOrHex(raw, opts.min ?? 0, opts.max ?? I32_MAX));
  }

  /** Seconds as exact nanoseconds; `positive` also rejects zero. */
  seconds(local: string, required: boolean, positive: boolean): Nanos | undefined {
    return this.get(local, required, ARINC_NS, (raw) => {
      const parsed = parseSeconds(raw);
      if (parsed.ok && positive && parsed.value === 0n) return { ok: false, reason: "must be more than zero seconds" };
      return parsed;
    });
  }

  /** An xs:boolean with a default. */
  bool(local: string, fallback: boolean, ns: string = ARINC_NS): boolean {
    return this.get(local, false, ns, parseBoolean) ?? fallback;
  }

  /** One of `values`; undefined when absent or bad. */
  enumOf<T extends string>(local: string, values: readonly T[], required: boolean, ns: string = ARINC_NS): T | undefined {
    return this.get(local, required, ns, (raw) =>
      (values as readonly string[]).includes(raw)
        ? { ok: true, value: raw as T }
        : { ok: false, reason: `is not one of ${values.join(", ")}` },
    );
  }

  /** Groups the children by rule, reporting unknown elements and wrong counts. Other namespaces are skipped. */
  children(rules: readonly ChildRule[]): Map<string, XmlElement[]> {
    const groups = new Map<string, XmlElement[]>(rules.map((r) => [displayName(r.local, r.ns ?? ARINC_NS), []]));
    for (const child of this.el.children) {
      if (!isKnownNamespace(child.ns)) continue;
      const key = displayName(child.local, child.ns);
      const group = groups.get(key);
      if (group) group.push(child);
      else this.sink.error(child.pos, this.unknownChildMessage(child, rules));
    }
    for (const rule of rules) {
      const key = displayName(rule.local, rule.ns ?? ARINC_NS);
      const found = groups.get(key) ?? [];
      if (found.length < rule.min) {
        this.error(
          rule.min === 1 ? `${this.name} needs at least one ${key} element` : `${this.name} needs at least ${rule.min} ${key} elements`,
        );
      }
      const extra = found[rule.max];
      if (extra) this.sink.error(extra.pos, `${this.name} may contain at most ${rule.max} ${key} element${rule.max === 1 ? "" : "s"}`);
    }
    return groups;
  }

  private unknownChildMessage(child: XmlElement, rules: readonly ChildRule[]): string {
    const home = child.ns === APX_NS ? APX_HOMES.get(child.local) : undefined;
    if (home) return `apx:${child.local} is not allowed inside ${this.name}; it belongs inside ${home}`;
    const sameNs = rules.filter((r) => (r.ns ?? ARINC_NS) === child.ns).map((r) => displayName(r.local, r.ns ?? ARINC_NS));
    const expected = sameNs.length > 0 ? `; expected ${listOr(sameNs)}` : "";
    if (child.ns === ARINC_NS && ARINC_ELEMENTS.has(child.local)) {
      return `${child.local} is not allowed inside ${this.name}${expected}`;
    }
    const what = child.ns === APX_NS ? "apexvisor extension element" : "element";
    return `unknown ${what} ${displayName(child.local, child.ns)} inside ${this.name}${expected}`;
  }

  /** Reports attributes nobody asked for (standard or ours; others are vendor data) and stray text. */
  finish(allowText = false): void {
    for (const attr of this.el.attributes) {
      if (!isKnownNamespace(attr.ns)) continue;
      const key = displayName(attr.local, attr.ns);
      if (this.known.includes(key)) continue;
      const allowed = this.known.filter((k) => !k.startsWith("apx:") || attr.ns === APX_NS);
      const hint = allowed.length > 0 ? `; allowed: ${allowed.join(", ")}` : "";
      this.sink.error(attr.pos, `${this.name} has no attribute ${key}${hint}`);
    }
    if (!allowText && this.el.textPos) this.sink.error(this.el.textPos, `${this.name} cannot contain text`);
  }
}

/** "a", "a or b", "a, b or c". */
export function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
