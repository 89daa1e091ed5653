// Host memory per compiled block (issue 15, finding 2): `node dist/scripts/block-bytes.js [--iters N]`.
// For each CPU benchmark guest: blocks cached after a short run, generated source characters per block and
// the bytes the block cache charges per block (estimateBlockBytes). Then the worst case the issue found:
// straight-line code in zeroed RAM (`add [eax], al` repeated), one full-length block compiled.
import { readFileSync } from "fs";
import { join, resolve } from "path";
import { CPU_BENCH_MANIFEST } from "../kernel/bench/cpu-bench";
import { imagePath, readManifest } from "../kernel/bench/guest-manifest";
import { estimateBlockBytes } from "../kernel/cpu/block-cache";
import { DEFAULT_COST_MODEL } from "../kernel/cpu/cost-model";
import { compileBlock, decodeRun, MAX_BLOCK } from "../kernel/cpu/decoder/block-builder";
import { BootSession } from "../kernel/machine/pc-boot";
import { flat32Mode } from "../kernel/cpu/seg-mode";

const ROOT = resolve(__dirname, "..", "..");
const FLAT32 = flat32Mode(0);

function guestFigures(iters: number): void {
  for (const spec of readManifest(ROOT, join(ROOT, CPU_BENCH_MANIFEST))) {
    const path = imagePath(ROOT, spec, "O2");
    const created = BootSession.create({ elf: readFileSync(path), elfPath: path, commandLine: `iters=${iters}`, stdout: () => undefined });
    if (!created.ok) throw new Error(`${spec.name}: ${created.message}`);
    const s = created.session;
    for (let r = s.slice(); r === null; r = s.slice());
    const cpu = s.pc.cpu;
    const st = cpu.blockCacheStats;
    const blocks = cpu.cachedBlocks;
    const chars = cpu.compiledChars / cpu.compiledBlocks;
    process.stdout.write(
      `${spec.name.padEnd(13)} ${String(blocks).padStart(6)} blocks  ${chars.toFixed(0).padStart(6)} source chars/block  ${(st.bytes / blocks).toFixed(0).padStart(6)} charged bytes/block\n`,
    );
  }
}

function zeroedRam(): void {
  const insns = decodeRun(() => 0, 0x100000, FLAT32, MAX_BLOCK, DEFAULT_COST_MODEL);
  const c = compileBlock(insns);
  process.stdout.write(
    `zeroed RAM    ${String(c.count).padStart(6)} insns   ${String(c.source.length).padStart(6)} source chars/block  ${String(estimateBlockBytes(c.source.length, c.count)).padStart(6)} charged bytes/block\n`,
  );
}

let iters = 20;
const i = process.argv.indexOf("--iters");
if (i >= 0) {
  iters = Number(process.argv[i + 1]);
  if (!Number.isInteger(iters) || iters < 1) throw new RangeError("--iters takes a positive integer");
}
guestFigures(iters);
zeroedRam();
