// Checked reading of untrusted JSON from a snapshot note, field by field with the field's path in
// every error ("kernel note: field ports.queues[2].messages: ..."). Knows no particular note.
import { nanos, type Nanos } from "../mem/types";
import { fromCheckedHex, toHex } from "./bytes";

/** A bad field: the message names its path. Caught by readFields. */
export class FieldError extends Error {}

/** Reader over one JSON object. */
export class Fields {
  private readonly o: Record<string, unknown>;

  constructor(raw: unknown, readonly path: string) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new FieldError(`field ${path || "(top)"}: expected an object`);
    this.o = raw as Record<string, unknown>;
  }

  private at(name: string): string {
    return this.path === "" ? name : `${this.path}.${name}`;
  }

  private bad(name: string, what: string): never {
    throw new FieldError(`field ${this.at(name)}: expected ${what}, got ${JSON.stringify(this.o[name])?.slice(0, 40)}`);
  }

  int(name: string, min: number, max: number): number {
    const v = this.o[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) this.bad(name, `an integer ${min}..${max}`);
    return v;
  }

  intOrNull(name: string, min: number, max: number): number | undefined {
    return this.o[name] === null ? undefined : this.int(name, min, max);
  }

  str(name: string, maxLength = 1 << 20): string {
    const v = this.o[name];
    if (typeof v !== "string" || v.length > maxLength) this.bad(name, `a string of at most ${maxLength} characters`);
    return v;
  }

  strOrNull(name: string, maxLength = 1 << 20): string | undefined {
    return this.o[name] === null ? undefined : this.str(name, maxLength);
  }

  /** Whether the field holds a string (for fields that are a name or a number). */
  isString(name: string): boolean {
    return typeof this.o[name] === "string";
  }

  bool(name: string): boolean {
    const v = this.o[name];
    if (typeof v !== "boolean") this.bad(name, "a boolean");
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.o[name];
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) this.bad(name, `one of ${values.join(", ")}`);
    return v as T;
  }

  /** A time in ns written as a decimal string. */
  nanos(name: string): Nanos {
    const v = this.o[name];
    if (typeof v !== "string" || !/^[0-9]{1,30}$/.test(v)) this.bad(name, "a decimal string of nanoseconds");
    return nanos(BigInt(v));
  }

  nanosOrNull(name: string): Nanos | undefined {
    return this.o[name] === null ? undefined : this.nanos(name);
  }

  /** Bytes written as a hex string, at most `maxBytes`. */
  hex(name: string, maxBytes: number): Uint8Array {
    const v = this.o[name];
    if (typeof v !== "string" || v.length > maxBytes * 2 || !/^([0-9a-f]{2})*$/.test(v)) this.bad(name, `a hex string of at most ${maxBytes} bytes`);
    return fromCheckedHex(v);
  }

  hexOrNull(name: string, maxBytes: number): Uint8Array | undefined {
    return this.o[name] === null ? undefined : this.hex(name, maxBytes);
  }

  obj(name: string): Fields {
    return new Fields(this.o[name], this.at(name));
  }

  /** True when the object has no field `name` at all. */
  isAbsent(name: string): boolean {
    return this.o[name] === undefined;
  }

  objOrNull(name: string): Fields | undefined {
    return this.o[name] === null ? undefined : this.obj(name);
  }

  /** A list of at most `maxLength` raw values. */
  list(name: string, maxLength: number): unknown[] {
    const v = this.o[name];
    if (!Array.isArray(v) || v.length > maxLength) this.bad(name, `a list of at most ${maxLength} entries`);
    return v;
  }

  /** A list of objects, each read with its own Fields. */
  objects(name: string, maxLength: number): Fields[] {
    return this.list(name, maxLength).map((x, i) => new Fields(x, `${this.at(name)}[${i}]`));
  }
}

/** Runs `read`; a bad field becomes { ok: false, error } naming `what` and the field. */
export function readFields<T>(raw: unknown, what: string, read: (f: Fields) => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: read(new Fields(raw, "")) };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: `${what}: ${e.message}` };
    throw e;
  }
}

/** Bytes as lowercase hex. */
export { toHex };
