// The schedule page in headless chromium (skipped with a message when no browser is installed): the
// demo run in the page for 8 frames prints, per partition, exactly what `apexvisor run --frames 8`
// prints, and its timeline has one bar per traced window at the traced times.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { repoRoot } from "../kernel/config/repo-root";
import { buildWeb, CHROMIUM_ARGS, cliConsoles, findChromium, startServe, type Served } from "../../scripts/lib/browser";

const root = repoRoot();
const FRAMES = 8;

/** Loads the served page, runs `frames` major frames with "Run N frames", waits until it is idle again. */
export async function runInPage(page: Page, url: string, frames: number): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("#status[data-loaded=true][data-state=idle]", { timeout: 60_000 });
  await page.fill("#frames-n", String(frames));
  await page.click("#run-n");
  // A string, so this file needs no DOM types: the status element says idle with a time past 0.
  await page.waitForFunction("(() => { const s = document.getElementById('status'); return s.dataset.state === 'idle' && (s.dataset.time ?? '0') !== '0'; })()", undefined, { timeout: 120_000 });
}

describe("web page (apexvisor serve in headless chromium)", function () {
  this.timeout(240_000);
  const chromium = findChromium();
  let served: Served | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let expected: Map<string, string>;
  let trace: string;

  before(async function () {
    if (chromium === undefined) {
      console.log("      (skipped: no chromium; apt-get install chromium, or set APEXVISOR_CHROMIUM)");
      this.skip();
    }
    buildWeb(root, false);
    dir = mkdtempSync(path.join(tmpdir(), "apexvisor-web-"));
    served = await startServe(root);
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await runInPage(page, served.url, FRAMES);
    trace = path.join(dir, "t.jsonl");
    expected = cliConsoles(root, ["partitions/demo/module.xml", "--frames", String(FRAMES), "--trace", trace]);
  });
  after(async () => {
    await browser?.close();
    served?.child.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the demo for 8 frames: every partition's console equals the CLI's output byte for byte", async () => {
    const got = await page.$$eval("pre.console", (pres) => pres.map((p) => [p.getAttribute("data-partition") ?? "", p.textContent ?? ""] as [string, string]));
    expect(got.map(([n]) => n)).to.deep.equal(["sensor", "display", "monitor"]);
    for (const [name, text] of got) {
      expect(text.length, `${name} printed something`).to.be.greaterThan(0);
      expect(text, `console of ${name}`).to.equal(expected.get(name) ?? "");
    }
  });

  it("draws one timeline bar per traced window, at the traced start and end", async () => {
    const windows = readFileSync(trace, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as { kind: string; t: string; partition: number; until: string })
      .filter((e) => e.kind === "windowStart")
      .map((e) => `${e.partition}@${e.t}-${e.until}`);
    const scale = Number(await page.$eval("svg.timeline", (s) => s.getAttribute("data-ns-per-px")));
    const bars = await page.$$eval("rect.window-bar", (rs) =>
      rs.map((r) => ({ p: r.getAttribute("data-partition"), s: r.getAttribute("data-start"), e: r.getAttribute("data-end"), x: Number(r.getAttribute("x")), w: Number(r.getAttribute("width")) })),
    );
    expect(windows.length).to.equal(FRAMES * 3);
    expect(bars.map((b) => `${b.p}@${b.s}-${b.e}`)).to.deep.equal(windows);
    for (const b of bars) {
      expect(b.x, `x of the bar at ${b.s}`).to.be.closeTo(Number(b.s) / scale, 0.01);
      expect(b.x + b.w, `right edge of the bar at ${b.s}`).to.be.closeTo(Number(b.e) / scale, 0.01);
    }
  });
});
