// Finds and checks the guest toolchain (gcc able to emit i386 code, GNU ld with elf_i386). Says
// plainly what is missing and how to fix it; builds nothing itself.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { X87_CFLAGS, type GuestFpu } from "../../kernel/bench/guest-manifest";

/** Commands and flags every guest build uses. */
export interface Toolchain {
  readonly cc: string;
  readonly ld: string;
  readonly cflags: readonly string[];
  readonly ldEmulation: string;
}

/** Flags shared by every guest translation unit (freestanding, 32-bit, no SSE/x87 code). */
export const GUEST_CFLAGS: readonly string[] = [
  "-m32",
  "-march=i686",
  "-ffreestanding",
  "-fno-pic",
  "-fno-pie",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fno-builtin",
  "-mgeneral-regs-only",
  "-std=gnu11",
  "-Wall",
  "-Wextra",
  "-Werror",
];

/** Flags of an image whose manifest says "fpu": "x87": the x87 allowed, SSE not (i686 has none). */
export function guestCflags(tc: Toolchain, fpu: GuestFpu): readonly string[] {
  if (fpu === "none") return tc.cflags;
  return [...tc.cflags.filter((f) => f !== "-mgeneral-regs-only"), "-mno-sse", ...X87_CFLAGS];
}

/** Thrown when the machine cannot build i386 guests; the message tells the user what to install. */
export class ToolchainError extends Error {}

function run(cmd: string, args: readonly string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return { ok: false, out: String(r.error.message) };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** Checks that `cc` compiles a freestanding i386 object and `ld` links it; throws ToolchainError if not. */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain {
  const cc = env["APEXVISOR_CC"] ?? "gcc";
  const ld = env["APEXVISOR_LD"] ?? "ld";
  const tc: Toolchain = { cc, ld, cflags: GUEST_CFLAGS, ldEmulation: "elf_i386" };
  const dir = mkdtempSync(join(tmpdir(), "apexvisor-tc-"));
  try {
    const src = join(dir, "probe.c");
    writeFileSync(src, "#include <stdint.h>\nuint32_t probe(uint32_t x) { return x * 3u; }\nvoid _start(void) { for (;;) {} }\n");
    const obj = join(dir, "probe.o");
    const c = run(cc, [...GUEST_CFLAGS, "-c", src, "-o", obj]);
    if (!c.ok) {
      throw new ToolchainError(
        `${cc} cannot build i386 (-m32 -ffreestanding) code:\n${c.out.trim()}\n` +
          "Fix: install GCC with x86 32-bit code generation (Debian/Ubuntu: `apt-get install gcc binutils`; " +
          "on a non-x86 host install a cross compiler such as `gcc-i686-linux-gnu` and set APEXVISOR_CC=i686-linux-gnu-gcc " +
          "and APEXVISOR_LD=i686-linux-gnu-ld).",
      );
    }
    const l = run(ld, ["-m", "elf_i386", "-e", "_start", obj, "-o", join(dir, "probe.elf")]);
    if (!l.ok) {
      throw new ToolchainError(
        `${ld} cannot link i386 ELF (-m elf_i386):\n${l.out.trim()}\n` +
          "Fix: install GNU binutils for x86 (Debian/Ubuntu: `apt-get install binutils`), or set APEXVISOR_LD to an i386-capable GNU ld.",
      );
    }
    return tc;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
