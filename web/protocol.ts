// Messages between the page (app.ts) and the kernel's Web Worker (worker.ts). Plain data only: bigints
// (virtual time in ns) survive structured cloning, so times stay exact on both sides.
import type { TraceEvent } from "../kernel/trace/trace-event";

/** One file of the module as the page hands it to the worker: the path the XML names, and its bytes. */
export interface ModuleFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** How far one request runs. */
export type RunTarget = { readonly kind: "window" } | { readonly kind: "frames"; readonly count: number } | { readonly kind: "forever" };

export type ToWorker =
  | { readonly type: "load"; readonly xmlPath: string; readonly files: readonly ModuleFile[]; readonly libpvPath: string; readonly byBaseName: boolean }
  | { readonly type: "run"; readonly target: RunTarget }
  | { readonly type: "pause" }
  | { readonly type: "exportTrace" };

/** The module as the page draws it. */
export interface ModuleView {
  readonly name: string;
  readonly clockHz: number;
  readonly partitions: readonly { readonly id: number; readonly name: string; readonly kind: string }[];
  readonly schedules: readonly { readonly id: number; readonly name: string; readonly majorFrame: bigint }[];
  /** Channels as source partition/port -> destination partition/ports. */
  readonly channels: readonly { readonly from: string; readonly to: readonly string[]; readonly kind: "sampling" | "queuing" }[];
}

/** A stretch of a window in which the partition's vCPU ran (the rest of the window is idle). */
export interface BusySlice {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** Per-partition figures, as the CLI's summary table shows them. */
export interface PartitionStatsView {
  readonly id: number;
  readonly name: string;
  readonly windows: number;
  readonly cyclesOffered: number;
  readonly cyclesRun: number;
  readonly hmEvents: number;
  readonly restarts: number;
  readonly mode: string;
}

/** What happened since the last progress message. */
export interface Progress {
  readonly type: "progress";
  readonly time: bigint;
  readonly events: readonly TraceEvent[];
  readonly busy: readonly BusySlice[];
  readonly notices: readonly { readonly time: bigint; readonly text: string }[];
  readonly stats: readonly PartitionStatsView[];
  /** Set when the module shut down (nothing more will run). */
  readonly shutdown: string | undefined;
  /** True when the request is finished (or paused) and the worker waits for the next one. */
  readonly idle: boolean;
}

export type FromWorker =
  | { readonly type: "loaded"; readonly module: ModuleView }
  | { readonly type: "failed"; readonly message: string }
  | Progress
  | { readonly type: "chromeTrace"; readonly json: string };
