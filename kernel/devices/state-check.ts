// Small checkers for untrusted saved device state (snapshot files): each returns the checked value or
// a message naming the field. They never throw and never touch a device; parseState builds on them.

import type { ParseResult } from "./device";

/** Starts reading `raw` as a plain object; a non-object gets a reader that fails on every field. */
export function readFields(what: string, raw: unknown): FieldReader {
  const isObject = typeof raw === "object" && raw !== null && !Array.isArray(raw);
  const reader = new FieldReader(what, isObject ? (raw as Record<string, unknown>) : {});
  if (!isObject) reader.fail("state is not an object");
  return reader;
}

/** Collects field errors so that one parse reports every problem, prefixed by the device name. */
export class FieldReader {
  private readonly errors: string[] = [];

  constructor(
    private readonly what: string,
    private readonly fields: Readonly<Record<string, unknown>>,
  ) {}

  /** An integer field in [min, max]; returns min (a placeholder) when invalid and records the error. */
  int(name: string, min: number, max: number): number {
    const v = this.fields[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.errors.push(`${name}: expected an integer in [${min}, ${max}], got ${describe(v)}`);
      return min;
    }
    return v;
  }

  /** A boolean field. */
  bool(name: string): boolean {
    const v = this.fields[name];
    if (typeof v !== "boolean") {
      this.errors.push(`${name}: expected a boolean, got ${describe(v)}`);
      return false;
    }
    return v;
  }

  /** An array of exactly `length` integers in [min, max]. */
  intArray(name: string, length: number, min: number, max: number): number[] {
    const v = this.fields[name];
    if (!Array.isArray(v) || v.length !== length) {
      this.errors.push(`${name}: expected an array of ${length} integers, got ${describe(v)}`);
      return new Array<number>(length).fill(min);
    }
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e !== "number" || !Number.isInteger(e) || e < min || e > max) {
        this.errors.push(`${name}[${i}]: expected an integer in [${min}, ${max}], got ${describe(e)}`);
        out.push(min);
      } else {
        out.push(e);
      }
    }
    return out;
  }

  /** An array of exactly `length` booleans. */
  boolArray(name: string, length: number): boolean[] {
    const v = this.fields[name];
    if (!Array.isArray(v) || v.length !== length || !v.every((e) => typeof e === "boolean")) {
      this.errors.push(`${name}: expected an array of ${length} booleans, got ${describe(v)}`);
      return new Array<boolean>(length).fill(false);
    }
    return v as boolean[];
  }

  /** A decimal integer string (a bigint that JSON cannot carry as a number) in [min, max]. */
  bigintString(name: string, min: bigint, max: bigint): string {
    const v = this.fields[name];
    if (typeof v !== "string" || !/^-?[0-9]{1,30}$/.test(v) || BigInt(v) < min || BigInt(v) > max) {
      this.errors.push(`${name}: expected a decimal integer string in [${min}, ${max}], got ${describe(v)}`);
      return min.toString();
    }
    return v;
  }

  /** A base64 string decoding to exactly `length` bytes. */
  base64Bytes(name: string, length: number): string {
    const v = this.fields[name];
    if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || Buffer.from(v, "base64").length !== length) {
      this.errors.push(`${name}: expected base64 of ${length} bytes`);
      return Buffer.alloc(length).toString("base64");
    }
    return v;
  }

  /** Records an error found by the caller's own cross-field check. */
  fail(message: string): void {
    this.errors.push(message);
  }

  /** The result: the value built from the fields, or every recorded error joined. */
  finish<T>(state: T): ParseResult<T> {
    if (this.errors.length > 0) return { ok: false, error: `${this.what}: ${this.errors.join("; ")}` };
    return { ok: true, state };
  }
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
