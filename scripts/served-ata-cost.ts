// Figures of the ATA controller served by the I/O partition (issue 11): host ns per served port access
// (ring post, one server pass in its PV VM, harvest: the schedule's latency left out) and sectors per
// second for the disk guest writing and reading back N sectors with its disk and COM1 served
// (partitions/io-partition/disk.xml with bench=N), host and virtual. Host figures are this process's CPU
// time (user + system), which a loaded machine inflates less than wall time. Medians of --runs.
// Usage: node dist/scripts/served-ata-cost.js [--runs 5] [--sectors 2048] (8192: the 4 MiB region)
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NODE_HOST, REPO_ROOT } from "../kernel/host/node/node-files";
import { nanos } from "../kernel/mem/types";
import { defaultBuilders } from "../kernel/module/default-builders";
import { runModule } from "../kernel/module/run-module";
import { NULL_SINK } from "../kernel/trace/tracer";
import { patternDisk } from "../test/support/ata-spec-table";
import { servedAta } from "../test/support/served-ata";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : dflt;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** This process's CPU time in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function portAccessNs(tmp: string): number {
  const { ports } = servedAta(patternDisk(), tmp);
  const t = cpuMs();
  let n = 0;
  // READ SECTORS of 16 sectors, register by register: the task file, then per sector a Status read and 256 Data reads.
  for (const [p, v] of [[0x1f6, 0xe0], [0x1f2, 16], [0x1f3, 0], [0x1f4, 0], [0x1f5, 0], [0x1f7, 0x20]] as const) ports.out(p, 1, v), n++;
  for (let s = 0; s < 16; s++) {
    ports.settle();
    ports.in(0x1f7, 1);
    for (let w = 0; w < 256; w++) ports.in(0x1f0, 2);
    n += 257;
  }
  return ((cpuMs() - t) * 1e6) / n;
}

function diskBench(tmp: string, sectors: number): { hostPerS: number; virtualPerS: number; line: string } {
  const disk = join(tmp, "bench.img");
  writeFileSync(disk, new Uint8Array((sectors + 64) * 512));
  const xml = readFileSync(join(REPO_ROOT, "partitions", "io-partition", "disk.xml"), "utf8")
    .replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`)
    .replace('Image="disk.img"', `Image="${disk}"`)
    .replace('CommandLine="mode=irq multiple=8"', `CommandLine="mode=irq multiple=16 bench=${sectors}"`);
  const file = join(tmp, "bench.xml");
  writeFileSync(file, xml);
  let line = "";
  let end = 0n;
  let hostEnd = 0;
  const t = cpuMs();
  const out = runModule({
    file,
    // Long enough for the guest (about 0.6 ms of virtual time per sector moved, written and read); host time is taken when it stops.
    length: { kind: "duration", value: nanos(BigInt(sectors) * 1_300_000n + 200_000_000n) },
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST),
    trace: NULL_SINK,
    onConsoleLine: (n, l) => {
      if (n === "reader" && l.startsWith("bench:")) line = l;
    },
    onNotice: (time, text) => {
      if (text.includes("stopped itself") && end === 0n) {
        end = time;
        hostEnd = cpuMs();
      }
    },
  });
  const hostS = (hostEnd - t) / 1000;
  if (out.kind !== "ran" || line === "" || end === 0n) throw new Error(`bench run did not finish: ${out.kind} ${line}`);
  return { hostPerS: (2 * sectors) / hostS, virtualPerS: (2 * sectors) / (Number(end) / 1e9), line };
}

const runs = arg("runs", 5);
const sectors = arg("sectors", 2048);
const tmp = mkdtempSync(join(tmpdir(), "apx-served-ata-cost-"));
copyFileSync(join(REPO_ROOT, "partitions", "io-partition", "disk.img"), join(tmp, "disk.img"));
try {
  const access = median(Array.from({ length: runs }, () => portAccessNs(tmp)));
  console.log(`served ATA: host ns per port access (ring post + server pass + harvest), median of ${runs}: ${access.toFixed(0)}`);
  const bench = Array.from({ length: Math.max(1, Math.floor(runs / 2)) }, () => diskBench(tmp, sectors));
  console.log(`served ATA: disk guest ${bench[0]!.line}`);
  console.log(`served ATA: ${2 * sectors} sectors written + read, host sectors/s median: ${median(bench.map((b) => b.hostPerS)).toFixed(0)}, virtual sectors/s: ${bench[0]!.virtualPerS.toFixed(0)}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
