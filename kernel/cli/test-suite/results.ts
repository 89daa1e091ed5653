// The guest RTOS test protocol, parsed: `TEST <group>.<name> PASS`, `TEST <group>.<name> FAIL <reason>`
// and `SUITE <group> DONE <passed> <failed>`. Pure; knows nothing of modules, VMs or printing.

/** One parsed console line of the protocol. */
export type ResultLine =
  | { readonly kind: "test"; readonly group: string; readonly name: string; readonly pass: boolean; readonly reason: string }
  | { readonly kind: "suite"; readonly group: string; readonly passed: number; readonly failed: number };

const TEST_LINE = /^TEST ([A-Za-z0-9_]+)\.([A-Za-z0-9_]+) (PASS|FAIL)(?: (.*))?$/;
const SUITE_LINE = /^SUITE ([A-Za-z0-9_]+) DONE (\d+) (\d+)$/;

/** Parses one console line; null when it is not part of the protocol (ordinary guest output). */
export function parseResultLine(line: string): ResultLine | null {
  const t = TEST_LINE.exec(line.trimEnd());
  if (t !== null) {
    const pass = t[3] === "PASS";
    return { kind: "test", group: t[1] ?? "", name: t[2] ?? "", pass, reason: pass ? "" : (t[4] ?? "").trim() || "failed" };
  }
  const s = SUITE_LINE.exec(line.trimEnd());
  if (s !== null) return { kind: "suite", group: s[1] ?? "", passed: Number(s[2]), failed: Number(s[3]) };
  return null;
}

/** One test's outcome within a module run, with the partition that printed it. */
export interface TestOutcome {
  readonly partition: number;
  readonly group: string;
  readonly name: string;
  readonly pass: boolean;
  readonly reason: string;
}

/** What one partition reported over a module run. */
export interface PartitionReport {
  readonly partition: number;
  readonly lines: string[];
  readonly tests: TestOutcome[];
  /** The SUITE line, once printed. */
  suite: { readonly group: string; readonly passed: number; readonly failed: number } | undefined;
  /** Index in `tests` of the first test since the partition's last restart (its SUITE line counts from there). */
  sinceStart?: number;
}

/** Collects protocol lines per partition as a module runs. */
export class ResultCollector {
  private readonly reports = new Map<number, PartitionReport>();

  /** Records one console line of `partition`. */
  add(partition: number, line: string): void {
    let r = this.reports.get(partition);
    if (r === undefined) {
      r = { partition, lines: [], tests: [], suite: undefined };
      this.reports.set(partition, r);
    }
    r.lines.push(line);
    const p = parseResultLine(line);
    if (p === null) return;
    if (p.kind === "test") r.tests.push({ partition, group: p.group, name: p.name, pass: p.pass, reason: p.reason });
    else r.suite = { group: p.group, passed: p.passed, failed: p.failed };
  }

  /** The partition restarted: its guest counts its SUITE totals afresh from here. */
  markRestart(partition: number): void {
    const r = this.reports.get(partition);
    if (r !== undefined) r.sinceStart = r.tests.length;
  }

  /** True once each of `partitions` printed its SUITE line. */
  allDone(partitions: readonly number[]): boolean {
    return partitions.every((id) => this.reports.get(id)?.suite !== undefined);
  }

  /** Reports in partition-id order (deterministic). */
  list(): PartitionReport[] {
    return [...this.reports.values()].sort((a, b) => a.partition - b.partition);
  }
}

/** Problems a finished run shows besides failing tests: a missing SUITE line, counts that disagree. */
export function suiteProblems(report: PartitionReport | undefined, partition: number): string[] {
  if (report === undefined) return [`partition ${partition} printed nothing`];
  if (report.suite === undefined) return [`partition ${partition} never printed its SUITE line`];
  const tests = report.tests.slice(report.sinceStart ?? 0);
  const passed = tests.filter((t) => t.pass).length;
  const failed = tests.length - passed;
  if (passed !== report.suite.passed || failed !== report.suite.failed)
    return [`partition ${partition}: SUITE says ${report.suite.passed}/${report.suite.failed}, lines say ${passed}/${failed}`];
  return [];
}
