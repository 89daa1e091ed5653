// The page: loads a module (the one `apexvisor serve` names, or files the user drops), starts the kernel
// worker, wires the controls and the keyboard, and hands the worker's progress to the timeline and panes.
import type { FromWorker, ModuleFile, ModuleView, RunTarget, ToWorker } from "./protocol";
import { Panes } from "./panes";
import { ms, Timeline } from "./timeline";

/** What `apexvisor serve` lists at /module/manifest.json. */
interface Manifest {
  readonly xmlPath: string;
  readonly libpvPath: string;
  readonly files: readonly { readonly path: string; readonly url: string }[];
}

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`page element #${id} is missing`);
  return e as T;
};

const status = $("status");
const worker = new Worker("worker.js");
let view: ModuleView | undefined;
let timeline: Timeline | undefined;
let panes: Panes | undefined;
let running = false;
let libpv: ModuleFile | undefined;

function send(m: ToWorker): void {
  worker.postMessage(m);
}

function setState(state: "loading" | "idle" | "running" | "failed", text: string): void {
  status.dataset["state"] = state;
  status.textContent = text;
  running = state === "running";
  $("run").textContent = running ? "Pause (space)" : "Run (space)";
  for (const id of ["step-window", "step-frame", "run-n", "export"]) ($(id) as HTMLButtonElement).disabled = running || view === undefined;
  ($("run") as HTMLButtonElement).disabled = view === undefined;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function loadServed(): Promise<void> {
  setState("loading", "loading the module…");
  const manifest = (await (await fetch("module/manifest.json")).json()) as Manifest;
  const files = await Promise.all(manifest.files.map(async (f) => ({ path: f.path, bytes: await fetchBytes(f.url) })));
  libpv = files.find((f) => f.path === manifest.libpvPath);
  send({ type: "load", xmlPath: manifest.xmlPath, files, libpvPath: manifest.libpvPath, byBaseName: false });
}

async function loadDropped(list: FileList): Promise<void> {
  const all = [...list];
  const xml = all.filter((f) => f.name.endsWith(".xml"));
  if (xml.length !== 1 || xml[0] === undefined) {
    setState(view === undefined ? "failed" : "idle", `drop exactly one module .xml with its images (got ${xml.length} .xml files)`);
    return;
  }
  setState("loading", `loading ${xml[0].name}…`);
  const files: ModuleFile[] = await Promise.all(all.map(async (f) => ({ path: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  // libpv comes from the server unless the user dropped one.
  const libpvPath = files.some((f) => f.path.startsWith("libpv")) ? (files.find((f) => f.path.startsWith("libpv"))?.path ?? "libpv") : "libpv-O2.elf";
  if (libpv !== undefined && !files.some((f) => f.path === libpvPath)) files.push({ path: libpvPath, bytes: libpv.bytes });
  send({ type: "load", xmlPath: xml[0].name, files, libpvPath, byBaseName: true });
}

function run(target: RunTarget): void {
  if (view === undefined) return;
  setState("running", "running…");
  send({ type: "run", target });
}

function toggle(): void {
  if (running) send({ type: "pause" });
  else run({ kind: "forever" });
}

function runN(): void {
  const n = Number(($("frames-n") as HTMLInputElement).value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    status.textContent = "N must be a positive whole number of frames";
    return;
  }
  run({ kind: "frames", count: n });
}

function download(name: string, text: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

worker.onmessage = (ev: MessageEvent<FromWorker>): void => {
  const m = ev.data;
  switch (m.type) {
    case "loaded":
      view = m.module;
      timeline = new Timeline($("timeline"), view);
      panes = new Panes($("consoles"), $("log"), $("stats"), view);
      $("lanes").replaceChildren(...timeline.laneNames().map((n) => Object.assign(document.createElement("div"), { textContent: n, className: "lane-name" })));
      $("module-name").textContent = `${view.name}: ${view.partitions.length} partitions, major frame ${ms(view.schedules[0]?.majorFrame ?? 0n)}`;
      status.dataset["loaded"] = "true";
      setState("idle", "loaded; nothing has run yet");
      return;
    case "failed":
      setState("failed", `cannot run this module:\n${m.message}`);
      return;
    case "progress": {
      timeline?.add(m.events, m.busy, m.time);
      panes?.add(m.events, m.notices);
      if (m.stats.length > 0) panes?.stats(m.stats);
      status.dataset["time"] = String(m.time);
      const when = `virtual time ${ms(m.time)}`;
      if (m.shutdown !== undefined) setState("idle", `${when}: module shut down (${m.shutdown})`);
      else if (m.idle) setState("idle", `${when}: paused`);
      else status.textContent = `${when}: running…`;
      return;
    }
    case "chromeTrace":
      download("apexvisor-trace.json", m.json);
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
};

$("run").addEventListener("click", toggle);
$("step-window").addEventListener("click", () => run({ kind: "window" }));
$("step-frame").addEventListener("click", () => run({ kind: "frames", count: 1 }));
$("run-n").addEventListener("click", runN);
$("export").addEventListener("click", () => send({ type: "exportTrace" }));
$("files").addEventListener("change", (e) => {
  const list = (e.target as HTMLInputElement).files;
  if (list !== null) void loadDropped(list);
});
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  if (e.dataTransfer !== null) void loadDropped(e.dataTransfer.files);
});
document.addEventListener("keydown", (e) => {
  const t = e.target as HTMLElement;
  if (t.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys: Record<string, () => void> = {
    " ": toggle,
    w: () => !running && run({ kind: "window" }),
    f: () => !running && run({ kind: "frames", count: 1 }),
    n: () => !running && runN(),
    e: () => !running && send({ type: "exportTrace" }),
  };
  const act = keys[e.key];
  if (act === undefined || (t.tagName === "BUTTON" && e.key === " ")) return;
  e.preventDefault();
  act();
});

setState("loading", "loading…");
loadServed().catch((e: unknown) => setState("failed", `cannot load the module: ${(e as Error).message}`));
