// Exact conversion of ARINC 653 time attributes (xs:float seconds, e.g. "0.1" or "2.5E-2") to integer
// nanoseconds with bigint, so that no binary floating point error ever reaches the schedule.
// Rules: optional "+", digits with an optional fraction, optional exponent; no "-" (times are never
// negative), no INF/NaN; the value must be a whole number of nanoseconds (at most 9 significant
// fractional digits once the exponent is applied; trailing zeros are fine) and at most 2^63-1 ns.
import type { Nanos } from "../mem/types";

export type TimeParse = { readonly ok: true; readonly value: Nanos } | { readonly ok: false; readonly reason: string };

const SHAPE = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_NS = (1n << 63n) - 1n;
const MAX_EXPONENT = 40;

/** Parses seconds written as an xs:float literal into exact nanoseconds, or says why it cannot. */
export function parseSeconds(raw: string): TimeParse {
  const text = raw.trim();
  if (text.startsWith("-")) return { ok: false, reason: "is negative; times must be zero or more seconds" };
  const m = SHAPE.exec(text);
  const whole = m?.[1] ?? "";
  const frac = m?.[2] ?? "";
  if (!m || whole.length + frac.length === 0) {
    return { ok: false, reason: 'is not a number of seconds (write for example "0.02" or "20E-3")' };
  }
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  if (Math.abs(exponent) > MAX_EXPONENT) return { ok: false, reason: "has an exponent out of range" };
  // value = digits * 10^(exponent - frac.length) seconds = digits * 10^(exponent - frac.length + 9) ns
  const digits = BigInt(whole + frac);
  const shift = exponent - frac.length + 9;
  let ns: bigint;
  if (shift >= 0) {
    ns = digits * 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    if (digits % div !== 0n) {
      return { ok: false, reason: "is finer than one nanosecond; give at most 9 fractional digits" };
    }
    ns = digits / div;
  }
  if (ns > MAX_NS) return { ok: false, reason: "is too large (over 2^63-1 ns, about 292 years)" };
  return { ok: true, value: ns as Nanos };
}

/** Formats nanoseconds as seconds with no trailing zeros (e.g. 100000000n -> "0.1"); for messages. */
export function formatSeconds(ns: bigint): string {
  const sign = ns < 0n ? "-" : "";
  const abs = ns < 0n ? -ns : ns;
  const whole = abs / 1_000_000_000n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${sign}${whole}${frac ? "." + frac : ""}`;
}

/** Formats nanoseconds as a short human duration ("20 ms", "1.5 s", "250 us"); for summaries. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return "0";
  const units: ReadonlyArray<readonly [bigint, string]> = [
    [1_000_000_000n, "s"],
    [1_000_000n, "ms"],
    [1_000n, "us"],
  ];
  for (const [scale, unit] of units) {
    if (ns >= scale) {
      const frac = (ns % scale).toString().padStart(scale.toString().length - 1, "0").replace(/0+$/, "");
      return `${ns / scale}${frac ? "." + frac : ""} ${unit}`;
    }
  }
  return `${ns} ns`;
}
