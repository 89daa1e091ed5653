// `npm run fetch:linux`: downloads Debian's i386 Linux kernels (686 and rt-686-pae) and busybox-static with apt,
// extracts them with dpkg-deb and builds the example initramfs, all under build/linux/ (nothing is committed).
// Cached: a second run reuses the extracted files; --force downloads again. Needs apt-get, apt-cache and dpkg-deb
// (a Debian or Ubuntu host) and, when i386 is not yet a foreign architecture, root for `dpkg --add-architecture`.
import { spawnSync } from "child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { buildInitramfs } from "./linux/initramfs";
import { linuxCacheFiles } from "./linux/cache";
import { writeMixedInitramfs } from "./linux/mixed-initramfs";

const ROOT = resolve(__dirname, "..", "..");
const OUT = join(ROOT, "build", "linux");

class FetchError extends Error {}

function run(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd, maxBuffer: 64 << 20 });
  if (r.error) throw new FetchError(`${cmd}: ${(r.error as NodeJS.ErrnoException).code === "ENOENT" ? "not installed (a Debian/Ubuntu host with apt is needed)" : r.error.message}`);
  if (r.status !== 0) {
    const last = `${r.stderr}${r.stdout}`.trim().split("\n").filter((l) => l.length > 0).pop() ?? `exit status ${r.status}`;
    throw new FetchError(`${cmd} ${args.join(" ")}: ${last}`);
  }
  return r.stdout;
}

/** Makes i386 packages visible to apt (adds the architecture and updates the lists when it is new). */
function ensureI386(): void {
  const native = run("dpkg", ["--print-architecture"]).trim();
  const foreign = run("dpkg", ["--print-foreign-architectures"]).split(/\s+/);
  if (native === "i386" || foreign.includes("i386")) return;
  if (process.getuid?.() !== 0) throw new FetchError("i386 is not a dpkg architecture here and adding it needs root: run `sudo dpkg --add-architecture i386 && sudo apt-get update`, then this script again");
  run("dpkg", ["--add-architecture", "i386"]);
  run("apt-get", ["update"]);
}

/** The newest package whose name matches `re` (Debian's kernel ABI number sorts numerically). */
function newestPackage(re: RegExp, pattern: string): string {
  const names = run("apt-cache", ["search", "--names-only", pattern])
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => re.test(n));
  const abi = (n: string): number => Number(/-(\d+)-/.exec(n)?.[1] ?? 0);
  names.sort((a, b) => abi(a) - abi(b) || (a < b ? -1 : 1));
  const best = names.pop();
  if (best === undefined) throw new FetchError(`apt-cache finds no package matching ${pattern} (is i386 added and \`apt-get update\` done?)`);
  return best;
}

function findFile(dir: string, re: RegExp): string {
  const hit = readdirSync(dir).find((f) => re.test(f));
  if (hit === undefined) throw new FetchError(`no file matching ${re} in ${dir}`);
  return join(dir, hit);
}

function fetch(force: boolean): void {
  const files = linuxCacheFiles(ROOT);
  const cached = [files.kernel686, files.kernelRt, files.busybox].every((f) => existsSync(f));
  if (!cached || force) {
    ensureI386();
    const kernel = newestPackage(/^linux-image-6\.1\.0-\d+-686-unsigned$/, "^linux-image-6\\.1\\.0-[0-9]+-686-unsigned$");
    const rt = newestPackage(/^linux-image-6\.1\.0-\d+-rt-686-pae-unsigned$/, "^linux-image-6\\.1\\.0-[0-9]+-rt-686-pae-unsigned$");
    const debs = join(OUT, "debs");
    rmSync(debs, { recursive: true, force: true });
    mkdirSync(debs, { recursive: true });
    process.stdout.write(`fetch-linux: apt-get download ${kernel} ${rt} busybox-static:i386\n`);
    run("apt-get", ["download", kernel, rt, "busybox-static:i386"], debs);
    const tree = join(OUT, "root");
    rmSync(tree, { recursive: true, force: true });
    for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb"))) run("dpkg-deb", ["-x", join(debs, deb), tree]);
    copyFileSync(findFile(join(tree, "boot"), /^vmlinuz-.*-686$/), files.kernel686);
    copyFileSync(findFile(join(tree, "boot"), /^vmlinuz-.*-rt-686-pae$/), files.kernelRt);
    copyFileSync(join(tree, "bin", "busybox"), files.busybox);
    writeFileSync(files.packages, `${readdirSync(debs).filter((f) => f.endsWith(".deb")).join("\n")}\n`);
    rmSync(tree, { recursive: true, force: true });
    rmSync(debs, { recursive: true, force: true });
  }
  writeFileSync(files.initrd, buildInitramfs(new Uint8Array(readFileSync(files.busybox))));
  process.stdout.write(`fetch-linux: ${cached && !force ? "cached" : "fetched"}: ${files.kernel686}, ${files.kernelRt}; initramfs ${files.initrd}\n`);
  // partitions/linux-mixed's initramfs adds the relay program, a guest image of `npm run build:guests`.
  const mixed = writeMixedInitramfs(ROOT);
  process.stdout.write(mixed.ok ? `fetch-linux: linux-mixed initramfs ${mixed.path}\n` : `fetch-linux: no linux-mixed initramfs: ${mixed.reason}\n`);
}

export const FETCH_LINUX_USAGE = `usage: npm run fetch:linux [-- --force]
       node dist/scripts/fetch-linux.js [--force] [--help]
Downloads Debian's i386 kernels (linux-image-6.1.0-N-686-unsigned and -rt-686-pae-unsigned, the newest N
apt knows) and busybox-static:i386 with apt-get download, extracts them with dpkg-deb and builds the example
initramfs, all under build/linux/: vmlinuz-686, vmlinuz-rt-686-pae, busybox, initrd.gz, packages.txt.
A second run reuses the extracted files and only rebuilds initrd.gz.
  --force   download and extract again even when build/linux/ holds the files
  --help    print this text and exit
Needs apt-get, apt-cache and dpkg-deb; adding the i386 architecture (once) needs root.`;

/** The options: --force, --help; anything else is a usage error (a string). */
export function parseFetchArgs(argv: readonly string[]): { force: boolean; help: boolean } | string {
  let force = false;
  let help = false;
  for (const a of argv) {
    if (a === "--force") force = true;
    else if (a === "--help" || a === "-h") help = true;
    else return `unknown argument ${a}`;
  }
  return { force, help };
}

function main(): number {
  const args = parseFetchArgs(process.argv.slice(2));
  if (typeof args === "string") {
    process.stderr.write(`fetch-linux: ${args}\n${FETCH_LINUX_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${FETCH_LINUX_USAGE}\n`);
    return 0;
  }
  mkdirSync(OUT, { recursive: true });
  try {
    fetch(args.force);
    return 0;
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    process.stderr.write(`fetch-linux: ${e.message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main();
