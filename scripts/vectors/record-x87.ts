// `npm run vectors:record-x87`: runs the x87 catalogue (x87-cases.ts) on the host CPU through runner.c
// and writes test/vectors/x87.json. x87 instructions without REX behave in 64-bit mode as in i386
// (FRSTOR/FNSAVE use the 32-bit protected-mode image). Needs x86-64 Linux and gcc.
import { readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { compileRunner, runOnHost, toHex, type HostCase } from "./host-runner";
import { IN_OFF, MEM_OFF, OUT_OFF, x87Cases } from "./x87-cases";

const ROOT = resolve(__dirname, "..", "..", "..");

/** One recorded x87 case: bytes, input FRSTOR image + 16 bytes at [edi] and EFLAGS; the FNSAVE image + the
 * 16 bytes at [edi] after, EFLAGS after, and the exception (runner numbering: 0 = SIGFPE), if any. */
export interface X87Vector {
  name: string;
  code: string;
  eflags: number;
  in: string;
  out: string;
  outEflags: number;
  exception: number | null;
}

/** The 108-byte image at `img` and the 16 memory bytes, as the vector stores them. */
export function packBuffer(data: readonly number[], img: number): number[] {
  return [...data.slice(img, img + 108), ...data.slice(MEM_OFF, MEM_OFF + 16)];
}

function cpuName(): string {
  const block = readFileSync("/proc/cpuinfo", "utf8").split("\n\n")[0] ?? "";
  const field = (name: string): string => block.split("\n").find((l) => l.startsWith(name))?.replace(/^[^:]*:\s*/, "") ?? "unknown";
  return `${field("model name")} (${field("vendor_id")} family ${field("cpu family")})`;
}

function main(): void {
  const perForm = Number(process.argv[2] ?? "40");
  const binary = join(ROOT, "build", "vectors", "runner");
  compileRunner(join(ROOT, "scripts", "vectors", "runner.c"), binary);
  const cases = x87Cases(perForm);
  const host: HostCase[] = cases.map((c) => ({
    hostCode: c.code,
    ptrMask: 0x60, // esi and edi point into the data buffer
    regs: { eax: 0, ecx: 0, edx: 0, ebx: 0, ebp: 0, esi: 0, edi: MEM_OFF },
    eflags: c.eflags,
    data: c.data,
  }));
  const results = runOnHost(binary, host);
  const vectors: X87Vector[] = cases.map((c, i) => ({
    name: c.name,
    code: toHex(c.code),
    eflags: c.eflags,
    in: toHex(packBuffer(c.data, IN_OFF)),
    out: toHex(packBuffer(results[i]!.data, OUT_OFF)),
    outEflags: results[i]!.eflags,
    exception: results[i]!.exception ?? null,
  }));
  const file = join(ROOT, "test", "vectors", "x87", "vectors.json");
  writeFileSync(file, JSON.stringify({ cpu: cpuName(), count: vectors.length, vectors }, null, 0).replace(/\},\{/g, "},\n{") + "\n");
  console.log(`x87: ${vectors.length} vectors -> ${file}`);
}

if (require.main === module) main();
