// A small checked reader over untyped JSON for the ABI definition parser: every accessor returns a
// usable default and records a problem with its path instead of throwing, so all problems surface at once.

/** An untyped JSON object. */
export type Obj = Record<string, unknown>;
/** snake_case identifiers (service, struct, field and argument names). */
export const IDENT = /^[a-z][a-z0-9_]*$/;
/** UPPER_CASE identifiers (constants, error codes, enum values). */
export const UPPER = /^[A-Z][A-Z0-9_]*$/;

/** Collects problems while reading; `problems` is the list reported by AbiDefinitionError. */
export class Reader {
  readonly problems: string[] = [];
  /** The value as an object, or {} with a problem. */
  obj(v: unknown, at: string): Obj {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
    this.problems.push(`${at}: expected an object`);
    return {};
  }
  /** The value as a list, or [] with a problem. */
  list(v: unknown, at: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.problems.push(`${at}: expected a list`);
    return [];
  }
  /** A required string field, optionally matched against `re`. */
  str(o: Obj, key: string, at: string, re?: RegExp): string {
    const v = o[key];
    if (typeof v !== "string") {
      this.problems.push(`${at}.${key}: expected a string`);
      return "";
    }
    if (re !== undefined && !re.test(v)) this.problems.push(`${at}.${key}: "${v}" does not match ${re.source}`);
    return v;
  }
  /** An optional string field ("" when absent). */
  optStr(o: Obj, key: string, at: string): string {
    return o[key] === undefined ? "" : this.str(o, key, at);
  }
  /** An integer field, given as a number or a decimal/hex string. */
  int(o: Obj, key: string, at: string): number {
    const v = o[key];
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return Number(v);
    this.problems.push(`${at}.${key}: expected an integer or a hex string`);
    return 0;
  }
  /** A string field that must be one of `allowed`. */
  oneOf<T extends string>(o: Obj, key: string, at: string, allowed: readonly T[]): T {
    const v = this.str(o, key, at);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${at}.${key}: "${v}" is not one of ${allowed.join(", ")}`);
    return allowed[0] as T;
  }
  /** Records a problem for each repeated name. */
  unique(names: readonly string[], what: string): void {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) this.problems.push(`duplicate ${what} "${n}"`);
      seen.add(n);
    }
  }
}
