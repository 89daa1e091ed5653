// Runs one recorded x87 vector (test/vectors/x87/vectors.json) on the emulator and describes any
// difference from the recording CPU. Shared by the vector test and the by-hand debug script.
import { IN_OFF, MEM_OFF, OUT_OFF } from "../../../scripts/vectors/x87-cases";
import type { X87Vector } from "../../../scripts/vectors/record-x87";
import { DATA_BASE, runSnippet } from "../../support/cpu-harness";

function hex(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

function hexOf(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Runs one vector; returns a description of the difference or null. */
export function runX87Vector(v: X87Vector): string | null {
  const inb = hex(v.in);
  const data = new Uint8Array(0x120);
  data.set(inb.slice(0, 108), IN_OFF);
  data.set(inb.slice(108), MEM_OFF);
  const res = runSnippet(Uint8Array.from(hex(v.code)), { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0, ebp: 0, esi: DATA_BASE, edi: DATA_BASE + MEM_OFF, eflags: v.eflags }, data);
  const got = [...res.data.slice(OUT_OFF, OUT_OFF + 108), ...res.data.slice(MEM_OFF, MEM_OFF + 16)];
  const want = hex(v.out);
  for (let i = 12; i < 28; i++) got[i] = want[i]!; // FIP, FCS/FOP, FDP, FDS: host addresses
  const exc = res.exception === undefined ? null : res.exception === 16 ? 0 : res.exception;
  const problems: string[] = [];
  if (exc !== v.exception) problems.push(`exception ${String(exc)} != ${String(v.exception)}`);
  if (v.exception === null) {
    if (hexOf(got) !== v.out) {
      const g = hexOf(got);
      const fields: [string, number, number][] = [["cw", 0, 2], ["sw", 4, 6], ["tw", 8, 10]];
      for (let k = 0; k < 8; k++) fields.push([`st${k}`, 28 + 10 * k, 38 + 10 * k]);
      fields.push(["mem", 108, 124]);
      for (const [n, a, b] of fields) if (g.slice(2 * a, 2 * b) !== v.out.slice(2 * a, 2 * b)) problems.push(`${n}: got ${g.slice(2 * a, 2 * b)} want ${v.out.slice(2 * a, 2 * b)}`);
    }
    if (((res.regs.eflags ^ v.outEflags) & 0x8d5) !== 0) problems.push(`eflags ${res.regs.eflags.toString(16)} != ${v.outEflags.toString(16)}`);
  }
  return problems.length === 0 ? null : problems.join("; ");
}

