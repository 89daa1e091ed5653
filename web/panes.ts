// The text panes beside the timeline: each partition's console, the log of modes, HM events, schedule
// switches and kernel notices, and the per-partition statistics table (the CLI summary's columns).
import type { TraceEvent } from "../kernel/trace/trace-event";
import type { ModuleView, PartitionStatsView } from "./protocol";
import { ms } from "./timeline";

function h<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls !== undefined) e.className = cls;
  return e;
}

/** Consoles, log and statistics of one module. */
export class Panes {
  private readonly consoles = new Map<number, HTMLPreElement>();
  private readonly names = new Map<number, string>();
  private readonly log: HTMLOListElement;
  private readonly statsBody: HTMLTableSectionElement;

  constructor(consoleHost: HTMLElement, logHost: HTMLElement, statsHost: HTMLElement, private readonly view: ModuleView) {
    consoleHost.replaceChildren();
    for (const p of view.partitions) {
      this.names.set(p.id, p.name);
      const sec = h("section", undefined, "console-box");
      const title = h("h3", `${p.name} `);
      title.appendChild(h("span", p.kind, "tag"));
      const pre = h("pre", undefined, "console");
      pre.dataset["partition"] = p.name;
      pre.tabIndex = 0;
      pre.setAttribute("aria-label", `console of ${p.name}`);
      sec.append(title, pre);
      consoleHost.appendChild(sec);
      this.consoles.set(p.id, pre);
    }
    this.log = h("ol", undefined, "log");
    logHost.replaceChildren(this.log);
    const table = h("table", undefined, "stats");
    const head = h("tr");
    for (const c of ["partition", "kind", "windows", "window time", "ran", "HM events", "restarts", "mode"]) head.appendChild(h("th", c));
    const thead = h("thead");
    thead.appendChild(head);
    this.statsBody = h("tbody");
    table.append(thead, this.statsBody);
    statsHost.replaceChildren(table);
  }

  /** Appends console lines and log entries from `events`, and kernel `notices`. */
  add(events: readonly TraceEvent[], notices: readonly { time: bigint; text: string }[]): void {
    const text = new Map<number, string[]>();
    for (const e of events) {
      switch (e.kind) {
        case "console": {
          const t = text.get(e.partition) ?? [];
          t.push(e.text + "\n");
          text.set(e.partition, t);
          break;
        }
        case "modeChange":
          this.entry(e.time, "MODE", `${this.name(e.partition)}: ${e.from} -> ${e.to} (${e.startCondition})`, "mode");
          break;
        case "hmEvent":
          this.entry(e.time, "HM", `${e.partition === undefined ? "module" : this.name(e.partition)}: error ${e.errorId} ${e.errorCode}, level ${e.level}, action ${e.action}`, "hm");
          break;
        case "scheduleSwitch":
          this.entry(e.time, "SCHEDULE", `switch from schedule ${e.from} to ${e.to}`, "switch");
          break;
        default:
          break;
      }
    }
    for (const n of notices) this.entry(n.time, "NOTICE", n.text, "notice");
    for (const [id, lines] of text) {
      const pre = this.consoles.get(id);
      if (pre === undefined) continue;
      pre.append(lines.join(""));
      pre.scrollTop = pre.scrollHeight;
    }
  }

  /** Replaces the statistics rows. */
  stats(rows: readonly PartitionStatsView[]): void {
    const hz = BigInt(this.view.clockHz);
    this.statsBody.replaceChildren(
      ...rows.map((r) => {
        const tr = h("tr");
        const kind = this.view.partitions.find((p) => p.id === r.id)?.kind ?? "?";
        const pct = r.cyclesOffered === 0 ? "-" : `${((100 * r.cyclesRun) / r.cyclesOffered).toFixed(1)}%`;
        const offered = (BigInt(r.cyclesOffered) * 1_000_000_000n) / hz;
        for (const c of [r.name, kind, String(r.windows), ms(offered), pct, String(r.hmEvents), String(r.restarts), r.mode]) tr.appendChild(h("td", c));
        return tr;
      }),
    );
  }

  private name(id: number): string {
    return this.names.get(id) ?? String(id);
  }

  private entry(time: bigint, tag: string, text: string, cls: string): void {
    const li = h("li", undefined, cls);
    li.append(h("span", ms(time), "time"), " ", h("strong", tag, "tag"), " ", text);
    this.log.appendChild(li);
    while (this.log.childElementCount > 2000) this.log.firstElementChild?.remove();
  }
}
