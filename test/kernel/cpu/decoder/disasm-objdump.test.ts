// The block-dump disassembler (disasm.ts, driven by the opcode table) against binutils: every instruction of
// the .text of a few guest images built by the project (gcc -m32 output: integer, x87 and kernel code) must
// read exactly as `objdump -d -M intel` prints it, up to spacing and symbol names. Skips with a message when
// objdump or the images are absent (`node dist/scripts/build-guests.js` builds them).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { decodeInstruction } from "../../../../kernel/cpu/decoder/disasm";
import type { OpcodeEntry } from "../../../../kernel/cpu/decoder/opcodes";
import { OPCODE_TABLE } from "../../../../kernel/cpu/decoder/opcodes-index";

const ROOT = resolve(__dirname, "..", "..", "..", "..", "..");
/** Images sampled (relative to build/guests): RTOS partitions and C test programs at several -O levels. */
const IMAGES = (process.env.APEXVISOR_DISASM_IMAGES ?? [
  "partitions/hello/hello-O2.elf",
  "test/programs/crc-O0.elf",
  "test/programs/floats-O0.elf",
  "test/programs/mathfn-O2.elf",
  "test/programs/hashmap-Os.elf",
].join(",")).split(",");

/** One objdump line: address, bytes, text (spaces collapsed, `123 <sym>` targets as 0x123). */
interface Line {
  readonly addr: number;
  readonly bytes: number[];
  readonly text: string;
}

/** Rows objdump does not name: undocumented aliases binutils prints as (bad), and 0F 1A/1B, hint NOPs
 * on this CPU that binutils decodes as MPX (a later extension). */
const OBJDUMP_UNNAMED = new Set(["salc", "fcom2", "fcomp3", "fcomp5", "fstp1", "fxch4", "fxch7", "fstp8", "fstp9"]);

function objdumpSkips(e: OpcodeEntry): boolean {
  return OBJDUMP_UNNAMED.has(e.mnemonic) || (e.map === "0f" && (e.op === 0x1a || e.op === 0x1b));
}

/** Immediate/displacement bytes each operand form takes (32-bit operand and address size). */
function tail(e: OpcodeEntry, o16: boolean): number[] {
  const out: number[] = [];
  const fill = (n: number): void => { for (let i = 0; i < n; i++) out.push(0x11 * (out.length + 1) & 0x7f); };
  for (const f of e.operands) {
    if (f === "Ib" || f === "Ibs" || f === "Jb") fill(1);
    else if (f === "Iw") fill(2);
    else if (f === "Iv" || f === "Jv") fill(o16 ? 2 : 4);
    else if (f === "Ob" || f === "Ov") fill(4);
    else if (f === "Ap") fill(o16 ? 4 : 6);
  }
  return out;
}

/** Encodings of a row: its register and/or memory form ([ebx+0x10]), with 0x66 too when its size follows it. */
function encodings(e: OpcodeEntry): number[][] {
  const out: number[][] = [];
  const head = e.map === "0f" ? [0x0f, e.op] : [e.op];
  // MOV to/from CR/DR ignore the mod field (SDM): the register form is their only meaning.
  const regOnly = e.operands.includes("Rd");
  const forms = !e.modrm ? [null] : e.form === "mem" ? [1] : e.form === "reg" || regOnly ? [3] : [3, 1];
  for (const o16 of e.size === "osize" ? [false, true] : [false]) {
    for (const mod of forms) {
      const modrm = mod === null ? [] : mod === 3 ? [0xc0 | ((e.reg ?? 2) << 3) | (e.rm ?? 1)] : [0x40 | ((e.reg ?? 2) << 3) | 3, 0x10];
      out.push([...(o16 ? [0x66] : []), ...head, ...modrm, ...tail(e, o16)]);
    }
  }
  return out;
}

function objdump(path: string, raw = false): Line[] | null {
  const args = raw ? ["-D", "-w", "-b", "binary", "-m", "i386", "-M", "intel", path] : ["-d", "-w", "-M", "intel", "-j", ".text", path];
  const r = spawnSync("objdump", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return null;
  const out: Line[] = [];
  for (const l of r.stdout.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(l);
    if (!m) continue;
    const text = m[3]!.replace(/\s+#.*$/, "").replace(/\((8087|287) only\)/, "").replace(/\b([0-9a-f]+) <[^>]*>/g, "0x$1").replace(/\s+/g, " ").trim();
    out.push({ addr: parseInt(m[1]!, 16), bytes: m[2]!.split(" ").map((b) => parseInt(b, 16)), text });
  }
  return out;
}

describe("disassembler vs objdump -M intel", function () {
  this.timeout(120000);
  const present = IMAGES.map((p) => resolve(ROOT, "build", "guests", p)).filter((p) => existsSync(p));
  const haveObjdump = spawnSync("objdump", ["--version"]).status === 0;

  it("reads every instruction of the sampled guest code as objdump does", function () {
    if (!haveObjdump) {
      console.log("      (skipped: objdump not installed)");
      this.skip();
    }
    if (present.length === 0) {
      console.log("      (skipped: no guest images under build/guests; run node dist/scripts/build-guests.js)");
      this.skip();
    }
    let compared = 0;
    const diffs: string[] = [];
    for (const path of present) {
      for (const l of objdump(path) ?? []) {
        if (/\(bad\)|^\.byte|^\.word/.test(l.text)) continue; // data in .text (headers, padding)
        const d = decodeInstruction(l.bytes, l.addr);
        compared++;
        if (d.text !== l.text || d.len !== l.bytes.length) diffs.push(`${l.addr.toString(16)}: ${l.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ")}: objdump "${l.text}", ours "${d.text}" (${d.len} bytes)`);
      }
    }
    if (diffs.length > 0) expect.fail(`${diffs.length} of ${compared} instructions differ:\n${[...new Set(diffs.map((x) => x.replace(/^[0-9a-f]+: /, "")))].slice(0, 60).join("\n")}`);
    expect(compared).to.be.greaterThan(1000);
  });

  it("reads one encoding of every table row as objdump does", function () {
    if (!haveObjdump) {
      console.log("      (skipped: objdump not installed)");
      this.skip();
    }
    const code: number[] = [];
    const starts = new Map<number, OpcodeEntry>();
    for (const e of OPCODE_TABLE) {
      for (const bytes of encodings(e)) {
        starts.set(code.length, e);
        code.push(...bytes);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), "apexvisor-disasm-"));
    let lines: Line[];
    try {
      writeFileSync(join(dir, "rows.bin"), Uint8Array.from(code));
      lines = objdump(join(dir, "rows.bin"), true) ?? [];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const diffs: string[] = [];
    let compared = 0;
    for (const l of lines) {
      const e = starts.get(l.addr);
      if (e === undefined) {
        diffs.push(`${l.addr.toString(16)}: objdump decoded an instruction boundary we did not write (${l.text}): lengths out of step`);
        continue;
      }
      const d = decodeInstruction(code.slice(l.addr, l.addr + 15), l.addr);
      compared++;
      if (objdumpSkips(e) && (l.text === "(bad)" || /^bnd/.test(l.text))) continue;
      if (d.text !== l.text || d.len !== l.bytes.length) diffs.push(`${e.map} ${e.op.toString(16)}/${e.reg ?? "-"} ${l.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ")}: objdump "${l.text}", ours "${d.text}"`);
    }
    expect(compared).to.equal(starts.size);
    if (diffs.length > 0) expect.fail(`${diffs.length} of ${compared} rows differ:\n${diffs.slice(0, 80).join("\n")}`);
  });
});
