// Where trace events go: a sink interface for the kernel, an in-memory collector for runs and
// tests, and a sink that drops everything. Formatting is the writers' job.
import type { TraceEvent } from "./trace-event";

/** Receives trace events in the order they happen. */
export interface TraceSink {
  emit(event: TraceEvent): void;
}

/** Collects events in memory, optionally only some kinds. */
export class MemoryTracer implements TraceSink {
  private readonly collected: TraceEvent[] = [];

  /** `kinds`: the kinds to keep; every kind when omitted. */
  constructor(private readonly kinds?: ReadonlySet<TraceEvent["kind"]>) {}

  emit(event: TraceEvent): void {
    if (this.kinds === undefined || this.kinds.has(event.kind)) this.collected.push(event);
  }

  /** The events so far, oldest first. */
  get events(): readonly TraceEvent[] {
    return this.collected;
  }
}

/** A sink that drops every event (tracing off). */
export const NULL_SINK: TraceSink = { emit: () => undefined };
