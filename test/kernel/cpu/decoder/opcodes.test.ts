// The opcode table (opcodes*.ts) against the translator (translate*.ts, x87/decode.ts): every one-byte and
// 0F opcode with every ModRM byte goes through the real decoder, and a row must exist exactly where the
// translator implements the encoding (no row, or a row marked `ud`: #UD), with the same cost class,
// block-end behaviour, LOCK/REP acceptance and flags (what the table says is read must be declared read;
// what it says is written must be produced; a row that touches no flag must not touch the lazy record).
import { expect } from "chai";
import { Ctx } from "../../../../kernel/cpu/decoder/context";
import type { OpMap, OpcodeEntry } from "../../../../kernel/cpu/decoder/opcodes";
import { liveBefore, rowOfBytes, statusRead, statusReplaced } from "../../../../kernel/cpu/decoder/opcodes-flags";
import { findEntry, hasModrm, OPCODE_TABLE } from "../../../../kernel/cpu/decoder/opcodes-index";
import { PREFIXES } from "../../../../kernel/cpu/decoder/opcodes-one";
import type { Out } from "../../../../kernel/cpu/decoder/out";
import { translateOne } from "../../../../kernel/cpu/decoder/translate";
import { STATUS } from "../../../../kernel/cpu/flags";
import { flat32Mode } from "../../../../kernel/cpu/seg-mode";

/** Bytes after the ModRM: SIB 01 ([ecx+eax]), then displacement/immediate bytes, all non-zero (shift counts). */
const TAIL = [0x01, 0x11, 0x21, 0x31, 0x41, 0x01, 0x01, 0x01, 0x01];

function translate(bytes: readonly number[]): Out {
  const c = new Ctx((off) => bytes[off] ?? -1, 0, 0x1000, flat32Mode(0));
  return translateOne(c, 0);
}

function isUd(o: Out): boolean {
  return o.code === "s.raise(6);" && o.term === true;
}

function encoding(map: OpMap, op: number, modrm: number | null, prefix: readonly number[] = []): number[] {
  return [...prefix, ...(map === "0f" ? [0x0f] : []), op, ...(modrm === null ? [] : [modrm]), ...TAIL];
}

interface Case {
  readonly map: OpMap;
  readonly op: number;
  readonly modrm: number | null;
  readonly entry: OpcodeEntry | null;
}

/** Every opcode of both maps (prefixes and the 0F escape excluded) with every ModRM byte where one is taken. */
function allCases(): Case[] {
  const out: Case[] = [];
  for (const map of ["one", "0f"] as const) {
    for (let op = 0; op < 256; op++) {
      if (map === "one" && (op === 0x0f || PREFIXES[op] !== undefined)) continue;
      if (!hasModrm(map, op)) {
        out.push({ map, op, modrm: null, entry: findEntry(map, op, 0) });
        continue;
      }
      for (let m = 0; m < 256; m++) out.push({ map, op, modrm: m, entry: findEntry(map, op, m) });
    }
  }
  return out;
}

function name(k: Case): string {
  return `${k.map === "0f" ? "0f " : ""}${k.op.toString(16).padStart(2, "0")}${k.modrm === null ? "" : ` /${(k.modrm >> 3) & 7}`}`;
}

/** Fails listing each distinct problem once, with how many ModRM bytes showed it and the first one. */
function report(problems: ReadonlyArray<readonly [string, number | null]>): void {
  const seen = new Map<string, { n: number; modrm: number | null }>();
  for (const [p, m] of problems) {
    const s = seen.get(p);
    if (s) s.n++;
    else seen.set(p, { n: 1, modrm: m });
  }
  const lines = [...seen].map(([p, s]) => `${p} (${s.n}x${s.modrm === null ? "" : `, e.g. modrm ${s.modrm.toString(16).padStart(2, "0")}`})`);
  if (lines.length > 0) expect.fail(`${lines.length} disagreements:\n${lines.slice(0, 60).join("\n")}`);
}

/** What the row says against what the translator produced; "" when they agree. */
function disagreement(k: Case, o: Out): string {
  const e = k.entry;
  if (e === null || e.ud !== null) return isUd(o) ? "" : "translator implements it but the table has no row";
  if (isUd(o)) return `table row ${e.mnemonic} but the translator raises #UD`;
  const problems: string[] = [];
  if ((o.cls ?? "plain") !== e.cost) problems.push(`cost class ${o.cls ?? "plain"} vs table ${e.cost}`);
  const ends = e.end === "branch" || e.end === "ends" || e.end === "exits";
  if ((o.term ?? false) !== ends) problems.push(`term ${o.term ?? false} vs table end ${e.end}`);
  if ((o.branch !== undefined) !== (e.end === "branch")) problems.push(`direct branch ${o.branch !== undefined} vs table end ${e.end}`);
  if (e.end === "mayStop" && o.mayBreak !== true) problems.push("table says it may stop the block but no stop check follows it");
  const read = statusRead(e);
  const written = e.flags.written & STATUS;
  const touched = statusReplaced(e);
  const helper = o.code.includes("lk = 0");
  // The block builder keeps every flag live before a block-ending helper call (block-builder.ts, callsHelper):
  // that covers helpers reading EFLAGS they do not declare (a far CALL/JMP task switch saves EFLAGS).
  const endsInHelper = o.term === true && /\bs\.(?!(?:rd|wr)(?:8|16|32)\(|eip\b)/.test(o.code);
  const declared = endsInHelper ? STATUS : (o.fRead ?? 0);
  // A block-ending helper may also write EFLAGS through the CPU object (far transfers, IRET).
  const produces = (o.fWrite ?? 0) !== 0 || helper || endsInHelper;
  if (written !== 0 && !produces) problems.push("table says it writes flags; the translator produces none");
  if ((read & ~declared) !== 0) problems.push(`reads ${read.toString(16)} but declares ${declared.toString(16)}`);
  if (touched === 0 && ((o.fWrite ?? 0) !== 0 || o.store !== undefined || helper)) problems.push("table says no flag changes; the translator writes the lazy record");
  return problems.join("; ");
}

describe("kernel/cpu/decoder: opcode table vs translator", function () {
  this.timeout(120000);
  const cases = allCases();

  it("has a row exactly where the translator implements an encoding, with its cost, block end and flags", function () {
    const bad: Array<[string, number | null]> = [];
    for (const k of cases) {
      const d = disagreement(k, translate(encoding(k.map, k.op, k.modrm)));
      if (d !== "") bad.push([`${name(k)} (${k.entry?.mnemonic ?? "no row"}): ${d}`, k.modrm]);
    }
    report(bad);
  });

  it("gives the flag liveness of a decoded instruction (opcodes-flags.ts)", function () {
    const cmp = rowOfBytes([0x39, 0xd8]);
    const adc = rowOfBytes([0x11, 0xd8]);
    const jne = rowOfBytes([0x75, 0x00]);
    const inc = rowOfBytes([0xff, 0xc0]);
    expect(cmp?.mnemonic).to.equal("cmp");
    expect(liveBefore(cmp, STATUS)).to.equal(0); // CMP replaces all six
    expect(liveBefore(adc, 0)).to.equal(0x1); // ADC reads CF
    expect(liveBefore(jne, 0)).to.equal(0x40); // JNE reads ZF
    expect(liveBefore(inc, STATUS)).to.equal(0x1); // INC keeps CF
    expect(liveBefore(rowOfBytes([0x0f, 0x0b]), 0)).to.equal(STATUS); // UD2: unknown, all live
  });

  it("accepts LOCK exactly on the memory forms of rows marked lock", function () {
    const bad: Array<[string, number | null]> = [];
    for (const k of cases) {
      if (k.entry === null || k.entry.ud !== null) continue;
      const mem = k.modrm !== null && k.modrm >> 6 !== 3;
      const ok = !isUd(translate(encoding(k.map, k.op, k.modrm, [0xf0])));
      if (ok !== (k.entry.lock && mem)) bad.push([`${name(k)} ${k.entry.mnemonic} ${mem ? "memory" : "register"}: LOCK ${ok ? "accepted" : "#UD"}, table lock=${k.entry.lock}`, k.modrm]);
    }
    report(bad);
  });

  it("ends the block after a REP-prefixed string instruction, for every row that takes REP", function () {
    const rows = OPCODE_TABLE.filter((e) => e.rep !== null);
    expect(rows.map((e) => e.mnemonic)).to.include.members(["movs", "stos", "lods", "cmps", "scas", "ins", "outs"]);
    for (const e of rows) {
      for (const p of e.rep === "repz" ? [0xf3, 0xf2] : [0xf3]) {
        expect(translate(encoding(e.map, e.op, null, [p])).term, `${p.toString(16)} ${e.mnemonic}`).to.equal(true);
      }
    }
  });

  it("names every row by at least one encoding, and no two rows overlap", function () {
    const reached = new Set<OpcodeEntry>();
    for (const k of cases) if (k.entry !== null) reached.add(k.entry);
    const dead = OPCODE_TABLE.filter((e) => !reached.has(e)).map((e) => `${e.map} ${e.op.toString(16)} /${e.reg ?? "-"} ${e.mnemonic}`);
    expect(dead).to.deep.equal([]);
    const overlaps: string[] = [];
    for (const k of cases) {
      const rows = OPCODE_TABLE.filter((e) => e.map === k.map && e.op === k.op && matches(e, k.modrm));
      if (rows.length > 1) overlaps.push(`${name(k)}: ${rows.map((e) => e.mnemonic).join(", ")}`);
    }
    expect(overlaps.slice(0, 20)).to.deep.equal([]);
  });
});

function matches(e: OpcodeEntry, modrm: number | null): boolean {
  if (!e.modrm || modrm === null) return true;
  const isReg = modrm >> 6 === 3;
  if (e.reg !== null && e.reg !== ((modrm >> 3) & 7)) return false;
  if (e.form === "mem" && isReg) return false;
  if (e.form === "reg" && !isReg) return false;
  return e.rm === null || (isReg && e.rm === (modrm & 7));
}
