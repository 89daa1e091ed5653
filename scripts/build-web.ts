// `npm run build:web`: type-checks the page (web/tsconfig.json), bundles the page and the kernel worker
// with esbuild into build/web/, and writes the page's HTML and stylesheet beside them. The bundle holds
// the same kernel sources the CLI runs; nothing is fetched at run time.
import { spawnSync } from "child_process";
import { buildSync } from "esbuild";
import { copyFileSync, mkdirSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { PAGE_CSS } from "../kernel/trace/page-style";

const ROOT = resolve(__dirname, "..", "..");
const OUT = join(ROOT, "build", "web");

function main(): number {
  // --no-typecheck: bundle only (the browser tests use it; `npm run build:web` always type-checks).
  const check = !process.argv.includes("--no-typecheck");
  const tsc = !check ? { status: 0, stdout: "", stderr: "" } : spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(ROOT, "web", "tsconfig.json")], { encoding: "utf8" });
  if (tsc.status !== 0) {
    process.stderr.write(`build:web: type errors in web/:\n${tsc.stdout}${tsc.stderr}`);
    return 1;
  }
  mkdirSync(OUT, { recursive: true });
  for (const [entry, out] of [["app.ts", "app.js"], ["worker.ts", "worker.js"]] as const) {
    buildSync({
      entryPoints: [join(ROOT, "web", entry)],
      outfile: join(OUT, out),
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      sourcemap: true,
      logLevel: "warning",
    });
  }
  copyFileSync(join(ROOT, "web", "index.html"), join(OUT, "index.html"));
  writeFileSync(join(OUT, "style.css"), PAGE_CSS);
  process.stdout.write(`build:web: wrote ${OUT}/{index.html,style.css,app.js,worker.js}\n`);
  return 0;
}

process.exitCode = main();
