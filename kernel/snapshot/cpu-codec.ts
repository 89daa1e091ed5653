// Checks an untrusted saved vCPU state (a parsed JSON value from a snapshot note) field by field into
// the Cpu's CpuSavedState. Pure; applying it is Cpu.restoreState.
import type { CpuSavedState } from "../cpu/cpu";
import { parseMsrState } from "../cpu/msr";
import { X87State } from "../cpu/x87/fpu-state";
import type { ParseResult } from "../devices/device";

const I32 = [-0x8000_0000, 0xffff_ffff] as const;
const U32 = [0, 0xffff_ffff] as const;
const U16 = [0, 0xffff] as const;

class Bad extends Error {}

function rec(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Bad(`${where}: expected an object`);
  return raw as Record<string, unknown>;
}

function num(o: Record<string, unknown>, name: string, where: string, [lo, hi]: readonly [number, number]): number {
  const v = o[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new Bad(`${where}.${name}: expected an integer ${lo}..${hi}, got ${JSON.stringify(v)}`);
  return v;
}

/** Parses the "cpu" note's state. */
export function parseCpuState(raw: unknown, where = "cpu"): ParseResult<CpuSavedState> {
  try {
    const o = rec(raw, where);
    const regs = o["regs"];
    if (!Array.isArray(regs) || regs.length !== 8) throw new Bad(`${where}.regs: expected 8 integers`);
    const regList = regs.map((_, i) => num(regs as unknown as Record<string, unknown>, String(i), `${where}.regs`, I32));
    const segs = o["seg"];
    if (!Array.isArray(segs) || segs.length !== 6) throw new Bad(`${where}.seg: expected 6 segment caches`);
    const seg = segs.map((s: unknown, i: number) => {
      const w = `${where}.seg[${i}]`;
      const r = rec(s, w);
      return { sel: num(r, "sel", w, U16), base: num(r, "base", w, I32), limit: num(r, "limit", w, U32), attr: num(r, "attr", w, I32) };
    });
    const table = (name: string, extra: readonly string[]): Record<string, number> => {
      const w = `${where}.${name}`;
      const r = rec(o[name], w);
      const out: Record<string, number> = { base: num(r, "base", w, I32), limit: num(r, "limit", w, U32) };
      for (const k of extra) out[k] = num(r, k, w, I32);
      return out;
    };
    const gdt = table("gdt", []);
    const idt = table("idt", []);
    const ldt = table("ldt", ["sel"]);
    const tr = table("tr", ["sel", "attr"]);
    const halted = o["halted"];
    if (typeof halted !== "boolean") throw new Bad(`${where}.halted: expected a boolean`);
    const big = [0, Number.MAX_SAFE_INTEGER] as const;
    // The FPU field is absent in states written before the x87 existed; Cpu.restoreState then does FNINIT.
    const x87 = o["x87"] === undefined ? undefined : X87State.parseState(o["x87"]);
    if (typeof x87 === "string") throw new Bad(`${where}.x87: ${x87}`);
    // Likewise the MSRs, absent in states written before they existed: then their reset values stay.
    const msrs = o["msrs"] === undefined ? undefined : parseMsrState(o["msrs"]);
    if (typeof msrs === "string") throw new Bad(`${where}.msrs.${msrs}`);
    return {
      ok: true,
      state: {
        regs: regList,
        eip: num(o, "eip", where, U32),
        eflags: num(o, "eflags", where, U32),
        seg,
        cpl: num(o, "cpl", where, [0, 3]),
        cr0: num(o, "cr0", where, I32),
        cr2: num(o, "cr2", where, I32),
        cr3: num(o, "cr3", where, I32),
        cr4: num(o, "cr4", where, I32),
        gdt: { base: gdt["base"] ?? 0, limit: gdt["limit"] ?? 0 },
        idt: { base: idt["base"] ?? 0, limit: idt["limit"] ?? 0 },
        ldt: { sel: ldt["sel"] ?? 0, base: ldt["base"] ?? 0, limit: ldt["limit"] ?? 0 },
        tr: { sel: tr["sel"] ?? 0, base: tr["base"] ?? 0, limit: tr["limit"] ?? 0, attr: tr["attr"] ?? 0 },
        halted,
        shadow: num(o, "shadow", where, [0, 1]),
        cycles: num(o, "cycles", where, big),
        debt: num(o, "debt", where, big),
        instructions: num(o, "instructions", where, big),
        ...(msrs !== undefined ? { msrs } : {}),
        ...(x87 !== undefined ? { x87 } : {}),
      },
    };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, error: e.message };
    throw e;
  }
}
