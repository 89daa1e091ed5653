// The target description the stub hands gdb (qXfer:features:read:target.xml): an i386 with gdb's own
// feature name org.gnu.gdb.i386.core, which must list the integer registers and the x87 registers in
// this order (gdb's i386 target checks every name). apexvisor has no FPU state to show: the x87
// registers read as the FNINIT state. Not responsible for register values (gdb-stub.ts).

/** Registers of the core feature, in `g` packet order: name, size in bits, gdb type. */
export const CORE_REGS: readonly (readonly [string, number, string])[] = [
  ["eax", 32, "int32"], ["ecx", 32, "int32"], ["edx", 32, "int32"], ["ebx", 32, "int32"],
  ["esp", 32, "data_ptr"], ["ebp", 32, "data_ptr"], ["esi", 32, "int32"], ["edi", 32, "int32"],
  ["eip", 32, "code_ptr"], ["eflags", 32, "i386_eflags"],
  ["cs", 32, "int32"], ["ss", 32, "int32"], ["ds", 32, "int32"], ["es", 32, "int32"], ["fs", 32, "int32"], ["gs", 32, "int32"],
  ["st0", 80, "i387_ext"], ["st1", 80, "i387_ext"], ["st2", 80, "i387_ext"], ["st3", 80, "i387_ext"],
  ["st4", 80, "i387_ext"], ["st5", 80, "i387_ext"], ["st6", 80, "i387_ext"], ["st7", 80, "i387_ext"],
  ["fctrl", 32, "int"], ["fstat", 32, "int"], ["ftag", 32, "int"], ["fiseg", 32, "int"],
  ["fioff", 32, "int"], ["foseg", 32, "int"], ["fooff", 32, "int"], ["fop", 32, "int"],
];

/** EFLAGS bits gdb prints by name (SDM vol. 1 3.4.3). */
const EFLAGS_FIELDS: readonly (readonly [string, number])[] = [
  ["CF", 0], ["", 1], ["PF", 2], ["AF", 4], ["ZF", 6], ["SF", 7], ["TF", 8], ["IF", 9], ["DF", 10], ["OF", 11],
  ["NT", 14], ["RF", 16], ["VM", 17], ["AC", 18], ["VIF", 19], ["VIP", 20], ["ID", 21],
];

/** target.xml as served. */
export function targetXml(): string {
  const flags = EFLAGS_FIELDS.map(([n, b]) => `    <field name="${n}" start="${b}" end="${b}"/>`).join("\n");
  const regs = CORE_REGS.map(([n, bits, type], i) => {
    const group = i >= 16 ? ' group="float"' : "";
    return `  <reg name="${n}" bitsize="${bits}" type="${type}" regnum="${i}"${group}/>`;
  }).join("\n");
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    "<target>",
    "<architecture>i386</architecture>",
    '<feature name="org.gnu.gdb.i386.core">',
    '  <flags id="i386_eflags" size="4">',
    flags,
    "  </flags>",
    regs,
    "</feature>",
    "</target>",
  ].join("\n");
}
