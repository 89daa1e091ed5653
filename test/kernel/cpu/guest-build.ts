// Test support: builds a small freestanding i386 guest (crt0 + C/assembly sources in guests/) with
// the project toolchain and linkcmds/cpu-test.ld into a temp dir, and loads its PT_LOAD segments.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import type { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { findToolchain, type Toolchain } from "../../../scripts/lib/toolchain";

const ROOT = resolve(__dirname, "..", "..", "..", "..");
/** Folder of the guest sources. */
export const GUEST_DIR = join(ROOT, "test", "kernel", "cpu", "guests");

let cached: Toolchain | null | undefined;
/** The toolchain, or null when this machine cannot build i386 guests (tests then skip). */
export function toolchain(): Toolchain | null {
  if (cached === undefined) {
    try {
      cached = findToolchain();
    } catch {
      cached = null;
    }
  }
  return cached;
}

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error?.message ?? ""}`);
}

/** Builds an ELF from sources in guests/ (crt0.S first unless `noCrt`) and returns its bytes. */
export function buildGuest(sources: readonly string[], opt: string, defines: readonly string[] = [], noCrt = false): Uint8Array {
  const tc = toolchain();
  if (!tc) throw new Error("no i386 toolchain");
  const dir = mkdtempSync(join(tmpdir(), "apexvisor-cpu-"));
  try {
    const all = noCrt ? sources : ["crt0.S", ...sources];
    const objs = all.map((s, i) => {
      const o = join(dir, `${i}.o`);
      run(tc.cc, [...tc.cflags, `-${opt}`, ...defines, "-c", join(GUEST_DIR, s), "-o", o]);
      return o;
    });
    const elf = join(dir, "guest.elf");
    run(tc.ld, ["-m", tc.ldEmulation, "-nostdlib", "-T", join(ROOT, "linkcmds", "cpu-test.ld"), "-o", elf, ...objs]);
    return new Uint8Array(readFileSync(elf));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copies the PT_LOAD segments of an ELF32 image into memory (bss zeroed) and returns the entry point. */
export function loadElf(mem: PhysicalMemory, elf: Uint8Array): number {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || elf[4] !== 1) throw new Error("not an ELF32 image");
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue;
    const off = dv.getUint32(p + 4, true);
    const paddr = dv.getUint32(p + 12, true);
    const filesz = dv.getUint32(p + 16, true);
    const memsz = dv.getUint32(p + 20, true);
    const img = new Uint8Array(memsz);
    img.set(elf.subarray(off, off + filesz));
    mem.writeBytes(guestPhys(paddr), img);
  }
  return dv.getUint32(24, true);
}
