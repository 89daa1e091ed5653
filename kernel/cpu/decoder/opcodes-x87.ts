// Rows of the x87 escapes D8-DF (Intel SDM vol. 2 tables) as x87/decode.ts implements them:
// memory forms by ModRM.reg, register forms by reg (and rm where one reg selects several instructions).
// Only FCMOVcc reads and FCOMI/FUCOMI(P) write EFLAGS; the FPU's own status word is not in these rows.
import { CF, PF, ZF } from "../flags";
import { ARITH, row, type OpcodeEntry, type RowOpts } from "./opcodes";
import type { CostClass } from "./out";

const ARITH8 = ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"];
const CLS8: readonly CostClass[] = ["x87arith", "x87arith", "x87arith", "x87arith", "x87arith", "x87arith", "x87div", "x87div"];

function x(op: number, reg: number, form: "mem" | "reg", mnemonic: string, operands: string, cost: CostClass, o: RowOpts = {}): OpcodeEntry {
  return row("one", op, mnemonic, operands, { reg, form, cost, modrm: true, ...o });
}

/** Memory forms: [op, reg, mnemonic, operand, cost]. */
function memRows(): OpcodeEntry[] {
  const t: OpcodeEntry[] = [];
  const arith = (op: number, prefix: string, operand: string): void =>
    ARITH8.forEach((n, reg) => t.push(x(op, reg, "mem", n.replace(/^f/, prefix), operand, CLS8[reg]!)));
  arith(0xd8, "f", "Md");
  arith(0xdc, "f", "Mq");
  arith(0xda, "fi", "Md");
  arith(0xde, "fi", "Mw");
  const list: ReadonlyArray<readonly [number, number, string, string, CostClass]> = [
    [0xd9, 0, "fld", "Md", "x87mem"], [0xd9, 2, "fst", "Md", "x87mem"], [0xd9, 3, "fstp", "Md", "x87mem"],
    [0xd9, 4, "fldenv", "Mn", "x87ctl"], [0xd9, 5, "fldcw", "Mw", "x87ctl"], [0xd9, 6, "fnstenv", "Mn", "x87ctl"], [0xd9, 7, "fnstcw", "Mw", "x87ctl"],
    [0xdb, 0, "fild", "Md", "x87mem"], [0xdb, 1, "fisttp", "Md", "x87mem"], [0xdb, 2, "fist", "Md", "x87mem"], [0xdb, 3, "fistp", "Md", "x87mem"],
    [0xdb, 5, "fld", "Mt", "x87mem"], [0xdb, 7, "fstp", "Mt", "x87mem"],
    [0xdd, 0, "fld", "Mq", "x87mem"], [0xdd, 1, "fisttp", "Mq", "x87mem"], [0xdd, 2, "fst", "Mq", "x87mem"], [0xdd, 3, "fstp", "Mq", "x87mem"],
    [0xdd, 4, "frstor", "Mn", "x87ctl"], [0xdd, 6, "fnsave", "Mn", "x87ctl"], [0xdd, 7, "fnstsw", "Mw", "x87ctl"],
    [0xdf, 0, "fild", "Mw", "x87mem"], [0xdf, 1, "fisttp", "Mw", "x87mem"], [0xdf, 2, "fist", "Mw", "x87mem"], [0xdf, 3, "fistp", "Mw", "x87mem"],
    [0xdf, 4, "fbld", "Mt", "x87mem"], [0xdf, 5, "fild", "Mq", "x87mem"], [0xdf, 6, "fbstp", "Mt", "x87mem"], [0xdf, 7, "fistp", "Mq", "x87mem"],
  ];
  for (const [op, reg, n, operand, cost] of list) t.push(x(op, reg, "mem", n, operand, cost));
  return t;
}

/** Register forms. */
function regRows(): OpcodeEntry[] {
  const t: OpcodeEntry[] = [];
  ARITH8.forEach((n, reg) => t.push(x(0xd8, reg, "reg", n, reg === 2 || reg === 3 ? "STi" : "ST,STi", CLS8[reg]!)));
  // DC and DE: the destination is ST(i); /4../7 are SUBR, SUB, DIVR, DIV (SDM order).
  const dc = ["fadd", "fmul", "fcom2", "fcomp3", "fsubr", "fsub", "fdivr", "fdiv"];
  dc.forEach((n, reg) => t.push(x(0xdc, reg, "reg", n, reg === 2 || reg === 3 ? "STi" : "STi,ST", CLS8[reg]!)));
  const de = ["faddp", "fmulp", "fcomp5", "", "fsubrp", "fsubp", "fdivrp", "fdivp"];
  de.forEach((n, reg) => { if (n !== "") t.push(x(0xde, reg, "reg", n, reg === 2 ? "STi" : "STi,ST", CLS8[reg]!)); });
  t.push(x(0xde, 3, "reg", "fcompp", "", "x87arith", { rm: 1 }));
  t.push(x(0xd9, 0, "reg", "fld", "STi", "x87mem"), x(0xd9, 1, "reg", "fxch", "STi", "x87mem"));
  t.push(x(0xd9, 2, "reg", "fnop", "", "x87ctl", { rm: 0 }), x(0xd9, 3, "reg", "fstp1", "STi", "x87mem"));
  const d9: ReadonlyArray<readonly [number, string, CostClass]> = [
    [0xe0, "fchs", "x87arith"], [0xe1, "fabs", "x87arith"], [0xe4, "ftst", "x87arith"], [0xe5, "fxam", "x87arith"],
    [0xe8, "fld1", "x87mem"], [0xe9, "fldl2t", "x87mem"], [0xea, "fldl2e", "x87mem"], [0xeb, "fldpi", "x87mem"],
    [0xec, "fldlg2", "x87mem"], [0xed, "fldln2", "x87mem"], [0xee, "fldz", "x87mem"],
    [0xf0, "f2xm1", "x87trans"], [0xf1, "fyl2x", "x87trans"], [0xf2, "fptan", "x87trans"], [0xf3, "fpatan", "x87trans"],
    [0xf4, "fxtract", "x87arith"], [0xf5, "fprem1", "x87div"], [0xf6, "fdecstp", "x87arith"], [0xf7, "fincstp", "x87arith"],
    [0xf8, "fprem", "x87div"], [0xf9, "fyl2xp1", "x87trans"], [0xfa, "fsqrt", "x87div"], [0xfb, "fsincos", "x87trans"],
    [0xfc, "frndint", "x87arith"], [0xfd, "fscale", "x87arith"], [0xfe, "fsin", "x87trans"], [0xff, "fcos", "x87trans"],
  ];
  for (const [b, n, cost] of d9) t.push(x(0xd9, (b >> 3) & 7, "reg", n, "", cost, { rm: b & 7 }));
  const fcmov = ["b", "e", "be", "u"];
  const fcmovRead = [CF, ZF, CF | ZF, PF];
  fcmov.forEach((cc, reg) => {
    t.push(x(0xda, reg, "reg", `fcmov${cc}`, "ST,STi", "x87mem", { read: fcmovRead[reg]! }));
    t.push(x(0xdb, reg, "reg", `fcmovn${cc}`, "ST,STi", "x87mem", { read: fcmovRead[reg]! }));
  });
  t.push(x(0xda, 5, "reg", "fucompp", "", "x87arith", { rm: 1 }));
  ["fneni", "fndisi", "fnclex", "fninit", "fnsetpm"].forEach((n, rm) => t.push(x(0xdb, 4, "reg", n, "", "x87ctl", { rm })));
  t.push(x(0xdb, 5, "reg", "fucomi", "ST,STi", "x87arith", { write: ARITH }), x(0xdb, 6, "reg", "fcomi", "ST,STi", "x87arith", { write: ARITH }));
  t.push(x(0xdd, 0, "reg", "ffree", "STi", "x87ctl"), x(0xdd, 1, "reg", "fxch4", "STi", "x87mem"));
  t.push(x(0xdd, 2, "reg", "fst", "STi", "x87mem"), x(0xdd, 3, "reg", "fstp", "STi", "x87mem"));
  t.push(x(0xdd, 4, "reg", "fucom", "STi", "x87arith"), x(0xdd, 5, "reg", "fucomp", "STi", "x87arith"));
  t.push(x(0xdf, 0, "reg", "ffreep", "STi", "x87ctl"), x(0xdf, 1, "reg", "fxch7", "STi", "x87mem"));
  t.push(x(0xdf, 2, "reg", "fstp8", "STi", "x87mem"), x(0xdf, 3, "reg", "fstp9", "STi", "x87mem"));
  t.push(x(0xdf, 4, "reg", "fnstsw", "AX", "x87ctl", { rm: 0 }));
  t.push(x(0xdf, 5, "reg", "fucomip", "ST,STi", "x87arith", { write: ARITH }), x(0xdf, 6, "reg", "fcomip", "ST,STi", "x87arith", { write: ARITH }));
  return t;
}

/** The x87 rows (one-byte map, opcodes D8-DF). */
export const X87_ROWS: readonly OpcodeEntry[] = [...memRows(), ...regRows()];
