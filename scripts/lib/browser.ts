// Helpers to drive the schedule page: find Debian's chromium (or APEXVISOR_CHROMIUM), start `apexvisor serve` on a
// free port, build the page, and run the CLI for reference output. Used by test/web and scripts/web-screenshots.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Flags for a quiet headless chromium that talks to nothing but the page. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The chromium binary to drive, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const candidates = [process.env["APEXVISOR_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((c): c is string => c !== undefined && c !== "" && existsSync(c));
}

/** A running `apexvisor serve` and its address. */
export interface Served {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts `apexvisor serve [module] --port 0` and resolves once it prints its address. */
export function startServe(root: string, module?: string): Promise<Served> {
  const child = spawn(process.execPath, [path.join(root, "bin", "apexvisor.js"), "serve", ...(module === undefined ? [] : [module]), "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1] !== undefined) resolve({ url: m[1], child });
    });
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`apexvisor serve exited with ${String(code)}: ${err}`)));
  });
}

/** Builds the page bundle (build/web) from the current sources (`typecheck` false: esbuild only, faster). */
export function buildWeb(root: string, typecheck = true): void {
  const r = spawnSync(process.execPath, [path.join(root, "dist", "scripts", "build-web.js"), ...(typecheck ? [] : ["--no-typecheck"])], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build:web failed:\n${r.stdout}${r.stderr}`);
}

/** `apexvisor run` stdout: each partition's console text ("line\n" per line), and the trace file's events. */
export function cliConsoles(root: string, args: readonly string[]): Map<string, string> {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), "run", ...args, "--no-color"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 5) throw new Error(`apexvisor run failed (${String(r.status)}): ${r.stderr}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    if (line === "") break; // the blank line before the summary table
    const m = /^\[([^\]]*?) *\] (.*)$/s.exec(line);
    if (m === null || m[1] === undefined) continue; // kernel notices ("-- time: text")
    out.set(m[1], (out.get(m[1]) ?? "") + (m[2] ?? "") + "\n");
  }
  return out;
}
