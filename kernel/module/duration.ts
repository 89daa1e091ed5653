// Parses a run length given on the command line ("2s", "150ms", "250us", "1000ns", or plain seconds)
// into exact nanoseconds, with the same decimal rules as the XML times.
import { parseSeconds } from "../config/decimal-time";
import { nanos, type Nanos } from "../mem/types";

/** A parsed duration or the reason it is not one. */
export type DurationParse = { readonly ok: true; readonly value: Nanos } | { readonly ok: false; readonly message: string };

const UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ["ns", 1n],
  ["us", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
];

/** Parses `text`; a number without unit is seconds. Zero is refused (a run must advance time). */
export function parseDuration(text: string): DurationParse {
  const t = text.trim();
  const unit = UNITS.find(([u]) => t.endsWith(u) && /\d$/.test(t.slice(0, -u.length).trim()));
  const number = unit === undefined ? t : t.slice(0, -unit[0].length).trim();
  const scale = unit === undefined ? 1_000_000_000n : unit[1];
  const seconds = parseSeconds(number);
  if (!seconds.ok) return { ok: false, message: `duration ${JSON.stringify(text)} ${seconds.reason}; write e.g. 2s, 150ms or 250us` };
  // seconds.value is the number read as seconds, in ns; scale it to the unit exactly.
  const scaled = seconds.value * scale;
  if (scaled % 1_000_000_000n !== 0n) return { ok: false, message: `duration ${JSON.stringify(text)} is finer than one nanosecond` };
  const ns = scaled / 1_000_000_000n;
  if (ns === 0n) return { ok: false, message: `duration ${JSON.stringify(text)} is zero; give a positive time` };
  return { ok: true, value: nanos(ns) };
}
