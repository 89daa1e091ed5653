// Checked reading of an untrusted saved device state (a parsed JSON value) field by field, so each
// device's parseState is a list of named fields. Knows nothing about any particular device.
import type { ParseResult } from "./device";

class StateFieldError extends Error {}

/** Reads named fields of a plain object, throwing StateFieldError (caught by parseStateWith) on a bad one. */
export class StateReader {
  private readonly obj: Record<string, unknown>;

  constructor(raw: unknown, private readonly where: string) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new StateFieldError(`${where}: expected an object`);
    this.obj = raw as Record<string, unknown>;
  }

  /** An integer in [0, max]. */
  uint(name: string, max: number): number {
    const v = this.obj[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new StateFieldError(`${this.where}.${name}: expected an integer 0..${max}, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(name: string): boolean {
    const v = this.obj[name];
    if (typeof v !== "boolean") throw new StateFieldError(`${this.where}.${name}: expected a boolean, got ${JSON.stringify(v)}`);
    return v;
  }

  /** One of the listed string values. */
  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.obj[name];
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) throw new StateFieldError(`${this.where}.${name}: expected one of ${values.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /** One of the listed integer values. */
  uintIn<T extends number>(name: string, values: readonly T[]): T {
    const v = this.obj[name];
    if (typeof v !== "number" || !(values as readonly number[]).includes(v)) throw new StateFieldError(`${this.where}.${name}: expected one of ${values.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /** A list of integers in [0, max], of at most `maxLength` entries. */
  uintList(name: string, max: number, maxLength: number): number[] {
    const v = this.obj[name];
    if (!Array.isArray(v) || v.length > maxLength || !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= max)) {
      throw new StateFieldError(`${this.where}.${name}: expected at most ${maxLength} integers 0..${max}`);
    }
    return v as number[];
  }

  /** An integer in [0, max], or null. */
  uintOrNull(name: string, max: number): number | null {
    return this.obj[name] === null ? null : this.uint(name, max);
  }

  /** A decimal string holding a non-negative integer of any size (JSON has no bigint), or null. */
  decimalOrNull(name: string): string | null {
    const v = this.obj[name];
    if (v === null) return null;
    if (typeof v !== "string" || !/^[0-9]+$/.test(v)) throw new StateFieldError(`${this.where}.${name}: expected a decimal string or null, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A nested object, read with its own reader. */
  child(name: string): StateReader {
    return new StateReader(this.obj[name], `${this.where}.${name}`);
  }

  /** A field's raw value, for a caller that checks its own shape (then reports through fail). */
  raw(name: string): unknown {
    return this.obj[name];
  }

  /** The error to throw for a bad field of this object (`what` starts with the field name). */
  fail(what: string): Error {
    return new StateFieldError(`${this.where}.${what}`);
  }

  /** A reader over `value`, an element found inside this object (e.g. a list entry named `sub`). */
  at(value: unknown, sub: string): StateReader {
    return new StateReader(value, `${this.where}.${sub}`);
  }

  /** A list of exactly `length` nested objects. */
  children(name: string, length: number): StateReader[] {
    const v = this.obj[name];
    if (!Array.isArray(v) || v.length !== length) throw new StateFieldError(`${this.where}.${name}: expected a list of ${length} objects`);
    return v.map((x: unknown, i: number) => new StateReader(x, `${this.where}.${name}[${i}]`));
  }
}

/** Runs `read` on a reader over `raw`; a bad field becomes { ok: false } with its path. */
export function parseStateWith<S>(raw: unknown, where: string, read: (r: StateReader) => S): ParseResult<S> {
  try {
    return { ok: true, state: read(new StateReader(raw, where)) };
  } catch (e) {
    if (e instanceof StateFieldError) return { ok: false, error: e.message };
    throw e;
  }
}
