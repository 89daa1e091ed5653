// Screenshots of the schedule page for the README (docs/): the demo after 8 frames, and a module whose
// partition takes a memory fault (an HM event) after 3 frames. Needs chromium; `node dist/scripts/web-screenshots.js`.
import { mkdirSync } from "fs";
import { join, resolve } from "path";
import { chromium } from "playwright-core";
import { buildWeb, CHROMIUM_ARGS, findChromium, startServe } from "./lib/browser";

const ROOT = resolve(__dirname, "..", "..");

async function shoot(module: string | undefined, frames: number, out: string, exe: string, fromStart: boolean): Promise<void> {
  const served = await startServe(ROOT, module);
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
    await page.goto(served.url);
    await page.waitForSelector("#status[data-loaded=true][data-state=idle]", { timeout: 60_000 });
    await page.fill("#frames-n", String(frames));
    await page.click("#run-n");
    await page.waitForFunction("(() => { const s = document.getElementById('status'); return s.dataset.state === 'idle' && (s.dataset.time ?? '0') !== '0'; })()", undefined, { timeout: 120_000 });
    // The page follows the newest time; the HM shot shows the frame where the fault happened.
    if (fromStart) await page.$eval("#timeline", (t) => (t.scrollLeft = 0));
    await page.screenshot({ path: out, fullPage: true });
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
    served.child.kill();
  }
}

async function main(): Promise<number> {
  const exe = findChromium();
  if (exe === undefined) {
    process.stderr.write("web-screenshots: no chromium (apt-get install chromium, or set APEXVISOR_CHROMIUM)\n");
    return 1;
  }
  buildWeb(ROOT);
  mkdirSync(join(ROOT, "docs"), { recursive: true });
  await shoot(undefined, 8, join(ROOT, "docs", "web-demo.png"), exe, false);
  await shoot(join("partitions", "rtos-tests", "hm_memory.xml"), 3, join(ROOT, "docs", "web-hm-event.png"), exe, true);
  return 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exitCode = 1;
  },
);
