// Timing rules of one module schedule, on exact nanoseconds: windows inside the major frame and
// disjoint; each partition's period divides the major frame, its windows give it at least its
// period duration in every period, and period starts are flagged (rule below). Pure.
//
// Period-start rule: the major frame is cut into the partition's periods [kP, (k+1)P). In every
// period a window of the partition must start, the first such window must have
// PartitionPeriodStart="true", and no other window of the partition may have it. So each period has
// exactly one flagged window: the one where the partition's period is released.
import { formatSeconds } from "./decimal-time";
import type { DiagnosticSink } from "./diagnostic";
import type { SourcePos } from "./model";

/** The fields of a window these rules need. */
export interface TimedWindow {
  readonly id: number;
  readonly start: bigint;
  readonly duration: bigint;
  readonly partitionPeriodStart: boolean;
  readonly pos: SourcePos;
}

/** The fields of a partition's schedule these rules need. */
export interface TimedPartition {
  readonly name: string;
  readonly period: bigint;
  readonly periodDuration: bigint;
  readonly windows: readonly TimedWindow[];
  readonly pos: SourcePos;
}

/** Checks that every window lies inside [0, majorFrame) and that no two windows overlap. */
export function checkWindowPlacement(
  majorFrame: bigint,
  windows: readonly (TimedWindow & { readonly owner: string })[],
  sink: DiagnosticSink,
): void {
  for (const w of windows) {
    if (w.start + w.duration > majorFrame) {
      sink.error(
        w.pos,
        `window ${w.id} of "${w.owner}" ends at ${formatSeconds(w.start + w.duration)} s, after the major frame of ${formatSeconds(majorFrame)} s`,
      );
    }
  }
  const sorted = [...windows].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.pos.line - b.pos.line));
  let latest: (TimedWindow & { readonly owner: string }) | undefined;
  for (const w of sorted) {
    if (latest && w.start < latest.start + latest.duration) {
      sink.error(
        w.pos,
        `window ${w.id} of "${w.owner}" (from ${formatSeconds(w.start)} s) overlaps window ${latest.id} of "${latest.owner}" at line ${latest.pos.line} (until ${formatSeconds(latest.start + latest.duration)} s)`,
      );
    }
    if (!latest || w.start + w.duration > latest.start + latest.duration) latest = w;
  }
}

/** Time the windows give inside each period [kP, (k+1)P) of the major frame (parts of windows count). */
export function coveragePerPeriod(majorFrame: bigint, period: bigint, windows: readonly TimedWindow[]): bigint[] {
  const count = Number(majorFrame / period);
  const out: bigint[] = [];
  for (let k = 0; k < count; k++) {
    const lo = BigInt(k) * period;
    const hi = lo + period;
    let sum = 0n;
    for (const w of windows) {
      const s = w.start > lo ? w.start : lo;
      const e = w.start + w.duration < hi ? w.start + w.duration : hi;
      if (e > s) sum += e - s;
    }
    out.push(sum);
  }
  return out;
}

/** Checks one partition's period against the major frame, its per-period time and its period starts. */
export function checkPartitionPeriods(majorFrame: bigint, p: TimedPartition, sink: DiagnosticSink): void {
  if (majorFrame % p.period !== 0n) {
    sink.error(
      p.pos,
      `PeriodSeconds ${formatSeconds(p.period)} of "${p.name}" does not divide the major frame of ${formatSeconds(majorFrame)} s`,
    );
    return;
  }
  const short = new Set<number>();
  coveragePerPeriod(majorFrame, p.period, p.windows).forEach((got, k) => {
    if (got < p.periodDuration) {
      short.add(k);
      sink.error(
        p.pos,
        `"${p.name}" gets ${formatSeconds(got)} s in its period ${k} (${formatSeconds(BigInt(k) * p.period)} s to ${formatSeconds(BigInt(k + 1) * p.period)} s) but needs PeriodDurationSeconds ${formatSeconds(p.periodDuration)} s`,
      );
    }
  });
  checkPeriodStarts(majorFrame, p, short, sink);
}

function checkPeriodStarts(majorFrame: bigint, p: TimedPartition, short: ReadonlySet<number>, sink: DiagnosticSink): void {
  const byStart = [...p.windows].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const started = new Set(byStart.map((w) => w.start / p.period));
  for (let k = 0n; k < majorFrame / p.period; k++) {
    // A period that only a window from the previous period reaches into has nothing to flag.
    if (!started.has(k) && !short.has(Number(k))) {
      sink.error(
        p.pos,
        `no window of "${p.name}" starts in its period ${k} (${formatSeconds(k * p.period)} s to ${formatSeconds((k + 1n) * p.period)} s), so nothing can mark that period's start; give it a window with PartitionPeriodStart="true"`,
      );
    }
  }
  let lastPeriod = -1n;
  for (const w of byStart) {
    const k = w.start / p.period;
    const first = k !== lastPeriod;
    lastPeriod = k;
    if (first && !w.partitionPeriodStart) {
      sink.error(
        w.pos,
        `window ${w.id} is the first window of "${p.name}" in its period ${k} (from ${formatSeconds(k * p.period)} s); mark it PartitionPeriodStart="true"`,
      );
    } else if (!first && w.partitionPeriodStart) {
      sink.error(
        w.pos,
        `window ${w.id} has PartitionPeriodStart="true" but is not the first window of "${p.name}" in its period ${k}; only the first one starts the period`,
      );
    }
  }
}
