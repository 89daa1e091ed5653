// The major-frame timeline: one lane per partition, each window a bar whose idle part is hatched and
// whose busy stretches are solid, schedule switches and frame edges as vertical marks, HM events and
// mode changes as labelled markers, port messages as arrows from the writer's lane to the reader's.
// SVG, so every mark is an element a test (or a screen reader, via <title>) can inspect.
import type { TraceEvent } from "../kernel/trace/trace-event";
import type { BusySlice, ModuleView } from "./protocol";

const SVG = "http://www.w3.org/2000/svg";
const LANE_H = 46;
/** Height of a window bar; HM and mode markers sit in the strip below it. */
const BAR_H = 24;
const TOP = 22;
/** Pixels one major frame of the initial schedule takes. */
const FRAME_PX = 360;
/** Oldest marks are dropped past this many elements, so long runs stay responsive. */
const MAX_MARKS = 6000;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, title?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (title !== undefined) {
    const t = document.createElementNS(SVG, "title");
    t.textContent = title;
    e.appendChild(t);
  }
  return e;
}

/** Milliseconds of `ns` for labels ("12.5 ms"). */
export function ms(ns: bigint): string {
  const v = Number(ns) / 1e6;
  return `${Number.isInteger(v) ? v : v.toFixed(3).replace(/0+$/, "")} ms`;
}

/** The timeline of one module, drawn into `host` (a scrolling container). */
export class Timeline {
  private readonly svg: SVGSVGElement;
  private readonly layers: { grid: SVGGElement; windows: SVGGElement; busy: SVGGElement; marks: SVGGElement; arrows: SVGGElement };
  private readonly lane = new Map<number, number>();
  private readonly names = new Map<number, string>();
  private readonly nsPerPx: number;
  private readonly frame: bigint;
  private width = 0;
  private nextFrameMark = 0n;
  /** Port traffic waiting for its reader: channel source "id/port" -> write times (queuing: FIFO; sampling: latest). */
  private readonly inFlight = new Map<string, bigint[]>();
  /** Right end of the last marker label per lane. */
  private readonly labelEnd = new Map<number, number>();
  private readonly sourceOf = new Map<string, { from: string; kind: "sampling" | "queuing" }>();

  constructor(private readonly host: HTMLElement, private readonly view: ModuleView) {
    host.replaceChildren();
    view.partitions.forEach((p, i) => {
      this.lane.set(p.id, i);
      this.names.set(p.id, p.name);
    });
    for (const ch of view.channels) for (const to of ch.to) this.sourceOf.set(to, { from: ch.from, kind: ch.kind });
    this.frame = view.schedules[0]?.majorFrame ?? 1_000_000n;
    this.nsPerPx = Number(this.frame) / FRAME_PX;
    const height = TOP + LANE_H * view.partitions.length + 6;
    this.svg = el("svg", { height, width: 0, role: "img", "aria-label": `timeline of ${view.name}`, "data-ns-per-px": this.nsPerPx });
    this.svg.classList.add("timeline");
    const defs = el("defs", {});
    const pattern = el("pattern", { id: "idle-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.appendChild(el("rect", { width: 6, height: 6, class: "idle-bg" }));
    pattern.appendChild(el("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "idle-line" }));
    const arrow = el("marker", { id: "arrowhead", markerWidth: 8, markerHeight: 8, refX: 7, refY: 4, orient: "auto" });
    arrow.appendChild(el("path", { d: "M0,0 L8,4 L0,8 z", class: "arrowhead" }));
    defs.append(pattern, arrow);
    this.svg.appendChild(defs);
    const g = (cls: string): SVGGElement => {
      const x = el("g", { class: cls });
      this.svg.appendChild(x);
      return x;
    };
    this.layers = { grid: g("grid"), windows: g("windows"), busy: g("busy-layer"), marks: g("marks"), arrows: g("arrows") };
    host.appendChild(this.svg);
  }

  /** x of virtual time `t`. */
  x(t: bigint): number {
    return Number(t) / this.nsPerPx;
  }

  private laneY(partition: number): number {
    return TOP + LANE_H * (this.lane.get(partition) ?? 0);
  }

  /** Adds the events and busy stretches of one progress message, then scrolls to the newest time. */
  add(events: readonly TraceEvent[], busy: readonly BusySlice[], now: bigint): void {
    this.grow(now);
    for (const e of events) this.event(e);
    for (const b of busy) this.busy(b);
    this.prune();
    this.host.scrollLeft = this.host.scrollWidth;
  }

  private grow(now: bigint): void {
    const w = Math.ceil(this.x(now)) + 40;
    if (w > this.width) {
      this.width = w;
      this.svg.setAttribute("width", String(w));
    }
    const h = TOP + LANE_H * this.lane.size;
    while (this.nextFrameMark <= now) {
      const x = this.x(this.nextFrameMark);
      const n = this.nextFrameMark / this.frame;
      this.layers.grid.appendChild(el("line", { x1: x, y1: 12, x2: x, y2: h, class: "frame-edge" }));
      const label = el("text", { x: x + 3, y: 11, class: "frame-label" });
      label.textContent = `frame ${n} · ${ms(this.nextFrameMark)}`;
      this.layers.grid.appendChild(label);
      this.nextFrameMark += this.frame;
    }
  }

  private event(e: TraceEvent): void {
    switch (e.kind) {
      case "windowStart": {
        const y = this.laneY(e.partition) + 4;
        const x = this.x(e.time);
        const bar = el(
          "rect",
          { x, y, width: Math.max(1, this.x(e.until) - x), height: BAR_H, class: "window-bar", "data-partition": e.partition, "data-start": String(e.time), "data-end": String(e.until), "data-window": e.windowId },
          `${this.names.get(e.partition) ?? e.partition}: window ${e.windowId}, ${ms(e.time)} to ${ms(e.until)} (hatched = idle, solid = running)`,
        );
        this.layers.windows.appendChild(bar);
        return;
      }
      case "scheduleSwitch": {
        const x = this.x(e.time);
        const h = TOP + LANE_H * this.lane.size;
        this.layers.marks.appendChild(el("line", { x1: x, y1: 0, x2: x, y2: h, class: "switch" }, `schedule switch at ${ms(e.time)}: ${e.from} to ${e.to}`));
        const t = el("text", { x: x + 3, y: h - 2, class: "switch-label" });
        t.textContent = `⇄ schedule ${e.to}`;
        this.layers.marks.appendChild(t);
        return;
      }
      case "hmEvent": {
        if (e.partition === undefined) return;
        this.marker(e.partition, e.time, "HM", "hm", `HM event at ${ms(e.time)}: ${e.errorCode} (${e.level}) -> ${e.action}`);
        return;
      }
      case "modeChange":
        this.marker(e.partition, e.time, e.to, "mode", `mode change at ${ms(e.time)}: ${e.from} -> ${e.to}`);
        return;
      case "portWrite":
      case "portSend":
        if (e.returnCode === 0) this.sent(`${e.partition}/${e.port}`, e.time, e.kind === "portSend");
        return;
      case "portRead":
      case "portReceive":
        if (e.returnCode === 0) this.received(e.partition, e.port, e.time);
        return;
      case "windowEnd":
      case "idle":
      case "hypercall":
      case "console":
      case "ioreq":
        return;
      default: {
        const never: never = e;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  private marker(partition: number, time: bigint, text: string, cls: string, title: string): void {
    const x = this.x(time);
    const y = this.laneY(partition);
    const g = el("g", { class: `marker ${cls}`, "data-time": String(time) }, title);
    if (cls === "hm") g.appendChild(el("line", { x1: x, y1: y + 2, x2: x, y2: y + LANE_H - 10, class: "hm-line" }));
    g.appendChild(el("path", { d: `M${x - 5},${y + LANE_H - 3} L${x},${y + LANE_H - 13} L${x + 5},${y + LANE_H - 3} z` }));
    // Labels of close markers are set side by side rather than on top of each other.
    const tx = Math.max(x + 6, this.labelEnd.get(partition) ?? 0);
    this.labelEnd.set(partition, tx + text.length * 6.5 + 8);
    const t = el("text", { x: tx, y: y + LANE_H - 4 });
    t.textContent = text;
    g.appendChild(t);
    this.layers.marks.appendChild(g);
  }

  private sent(source: string, time: bigint, queued: boolean): void {
    const q = this.inFlight.get(source) ?? [];
    if (queued) q.push(time);
    else q.splice(0, q.length, time);
    this.inFlight.set(source, q);
  }

  private received(partition: number, port: string, time: bigint): void {
    const src = this.sourceOf.get(`${partition}/${port}`);
    if (src === undefined) return;
    const q = this.inFlight.get(src.from);
    const sentAt = q?.shift();
    if (sentAt === undefined) return;
    const fromId = Number(src.from.split("/")[0]);
    const y1 = this.laneY(fromId) + 4 + BAR_H / 2;
    const y2 = this.laneY(partition) + 4 + BAR_H / 2;
    this.layers.arrows.appendChild(
      el("line", { x1: this.x(sentAt), y1, x2: this.x(time), y2, class: `arrow ${src.kind}`, "marker-end": "url(#arrowhead)" }, `${src.kind} message ${src.from.split("/")[1] ?? ""}: sent ${ms(sentAt)}, received by ${this.names.get(partition) ?? partition} ${ms(time)}`),
    );
  }

  private busy(b: BusySlice): void {
    const y = this.laneY(b.partition) + 4;
    const x = this.x(b.start);
    this.layers.busy.appendChild(el("rect", { x, y, width: Math.max(0.5, this.x(b.end) - x), height: BAR_H, class: "busy", "data-partition": b.partition }));
  }

  private prune(): void {
    for (const layer of Object.values(this.layers)) {
      while (layer.childElementCount > MAX_MARKS) layer.firstElementChild?.remove();
    }
  }

  /** Partition names in lane order, for the lane labels beside the timeline. */
  laneNames(): string[] {
    return this.view.partitions.map((p) => `${p.name} (${p.kind})`);
  }
}
