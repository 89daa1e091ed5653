// Pure calendar helpers for the CMOS RTC: seconds since 1970-01-01T00:00:00Z <-> date and time fields
// (proleptic Gregorian, UTC, by Date's UTC arithmetic on given values; never the host clock).

/** Broken-down UTC date and time as the RTC registers hold it. */
export interface RtcFields {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  /** 0..23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 1..7, Sunday = 1 (MC146818 day-of-week convention used by PC BIOSes). */
  readonly weekday: number;
}

/** Fields of a time given in whole seconds since the Unix epoch. */
export function fieldsFromUnix(seconds: number): RtcFields {
  const d = new Date(seconds * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay() + 1,
  };
}

/** Seconds since the Unix epoch of the given fields (out-of-range fields roll over, weekday ignored). */
export function unixFromFields(f: Omit<RtcFields, "weekday">): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day); // unlike Date.UTC, years 0-99 are taken literally
  d.setUTCHours(f.hour, f.minute, f.second, 0);
  return Math.floor(d.getTime() / 1000);
}
