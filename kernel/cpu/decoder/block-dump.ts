// Block dumps for developers (`apexvisor boot --dump-blocks`, or APEXVISOR_DUMP_BLOCKS=1 for any command):
// every block the vCPUs compile is handed to one process-wide sink as text, the guest listing followed by
// the generated JavaScript. Off (null) by default, then it costs one check per compile. The sink brings the
// disassembler (disasm.ts), so a process that never dumps never builds the opcode tables.
import type { ByteFetch } from "./context";
import type { Insn } from "./insn";

/** One listing line for the instruction `bytes` at `eip` (disasm.ts disasmLine). */
export type DisasmLine = (eip: number, bytes: ArrayLike<number>) => string;

/** Where compiled blocks go. */
export interface BlockDumpSink {
  /** Receives one compiled block's text (ends with a newline). */
  readonly write: (text: string) => void;
  readonly disasm: DisasmLine;
}

let sink: BlockDumpSink | null = null;

/** Sets (or with null clears) where compiled blocks are dumped. */
export function setBlockDump(s: BlockDumpSink | null): void {
  sink = s;
}

/** The current dump sink, null when dumping is off. */
export function blockDumpSink(): BlockDumpSink | null {
  return sink;
}

/** The dump of one block: a header (with `kind`, when given: "counted" for an exact run's tail, "resumes" for a
 * block from a cut, Cpu.resumeCut), one listing line per instruction, then the compiled source. */
export function formatBlock(insns: readonly Insn[], fetch: ByteFetch, phys: number, cycles: number, source: string, disasmLine: DisasmLine, kind = ""): string {
  const start = insns[0]!.eip;
  const head = `block eip=${hex(start)} phys=${hex(phys)} instructions=${insns.length} cycles=${cycles}${kind === "" ? "" : ` ${kind}`}`;
  const lines = insns.map((ins) => {
    const off = (ins.eip - start) | 0;
    const bytes: number[] = [];
    for (let k = 0; k < ins.len; k++) bytes.push(fetch(off + k));
    return `  ${disasmLine(ins.eip, bytes)}`;
  });
  const body = source.split("\n").map((l) => `  | ${l}`);
  return `${[head, ...lines, ...body].join("\n")}\n`;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
}
