// Test helpers for device tests: an IrqLine that records its transitions, a ByteSink that collects
// bytes, a settable virtual clock with a real TimerQueue, and the save -> JSON -> restore round trip.
import { expect } from "chai";
import type { ByteSink, Device, IrqLine } from "../../../kernel/devices/device";
import { nanos, type Nanos } from "../../../kernel/mem/types";
import { TimerQueue } from "../../../kernel/machine/timer-queue";

/** Records every level driven on the line. */
export class RecordingIrq implements IrqLine {
  level = false;
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}

/** Collects bytes written to it. */
export class CollectingSink implements ByteSink {
  readonly bytes: number[] = [];
  write(byte: number): void {
    this.bytes.push(byte);
  }
  text(): string {
    return String.fromCharCode(...this.bytes);
  }
}

/** A virtual clock the test moves by hand, firing due timers as it goes. */
export class ManualClock {
  private t = 0n;
  readonly timers = new TimerQueue(() => this.t as Nanos);
  get now(): bigint {
    return this.t;
  }
  /** Advances to `at`, firing each due timer at its own deadline. */
  advanceTo(at: bigint): void {
    for (;;) {
      const next = this.timers.nextDeadline();
      if (next === null || next > at) break;
      this.t = next > this.t ? next : this.t;
      this.timers.fireDue();
    }
    this.t = at;
  }
  advanceBy(ns: bigint): void {
    this.advanceTo(this.t + ns);
  }
  set(at: bigint): void {
    this.t = nanos(at);
  }
}

/** save -> JSON text -> parse -> restore into `fresh`, then checks `fresh` saves the same state. */
export function roundTrip<S extends object>(from: Device<S>, fresh: Device<S>): S {
  const saved = from.saveState();
  const parsed = fresh.parseState(JSON.parse(JSON.stringify(saved)) as unknown);
  if (!parsed.ok) throw new Error(parsed.error);
  fresh.restoreState(parsed.state);
  expect(fresh.saveState()).to.deep.equal(saved);
  return saved;
}
