// Progress of a long `apexvisor run` on stderr: virtual time reached, frames, guest speed and an ETA,
// drawn by cli-progress. Only when stderr is a terminal, and only once a run has taken a moment; it
// never touches stdout, whose bytes stay exactly those of a run without progress.
import { clearLine, cursorTo } from "node:readline";
import { SingleBar } from "cli-progress";
import { formatDuration } from "../config/decimal-time";
import type { Nanos } from "../mem/types";
import type { RunProgress } from "../module/run-module";

/** Host milliseconds a run goes quietly before its bar appears (short runs never show one). */
const SHOW_AFTER_MS = 700;

/** The bar's stream and clock; the CLI passes process.stderr and Date.now. */
export interface ProgressHost {
  readonly stream: NodeJS.WriteStream;
  readonly nowMs: () => number;
}

/** A progress display for one run, or a silent one when `host.stream` is not a terminal. */
export class RunProgressBar {
  private bar: SingleBar | undefined;
  private readonly startMs: number;

  constructor(private readonly host: ProgressHost, private readonly frameNs: Nanos | undefined) {
    this.startMs = host.nowMs();
  }

  /** Whether anything will ever be drawn. */
  get active(): boolean {
    return this.host.stream.isTTY === true;
  }

  /** Records how far the run got (called at pause points). */
  update(p: RunProgress): void {
    if (!this.active) return;
    const elapsedMs = this.host.nowMs() - this.startMs;
    const fields = this.fields(p, elapsedMs);
    const value = Number(p.time / 1000n);
    if (this.bar === undefined) {
      if (elapsedMs < SHOW_AFTER_MS || p.time >= p.end) return;
      this.bar = new SingleBar({
        stream: this.host.stream,
        format: "run {bar} {percentage}% | {vtime} of {vend} virtual{frames} | {mips} guest MIPS | ETA {eta_formatted}",
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
      });
      this.bar.start(Number(p.end / 1000n), value, fields);
      return;
    }
    this.bar.update(value, fields);
  }

  /** Clears the bar's line before a stdout line is written to the same terminal. */
  beforeOutput(): void {
    if (this.bar === undefined) return;
    clearLine(this.host.stream, 0);
    cursorTo(this.host.stream, 0);
  }

  /** Removes the bar at the end of the run. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private fields(p: RunProgress, elapsedMs: number): Record<string, string> {
    // Guest speed is executed guest cycles per host microsecond: MIPS under the default cost model
    // (one cycle per plain instruction; traps and interrupt entries cost more).
    const mips = elapsedMs > 0 ? (p.cyclesRun / (elapsedMs * 1000)).toFixed(1) : "-";
    const frames = this.frameNs === undefined ? "" : `, frame ${p.time / this.frameNs} of ${(p.end + this.frameNs - 1n) / this.frameNs}`;
    return { vtime: formatDuration(p.time), vend: formatDuration(p.end), frames, mips };
  }
}
