// Turns on block dumps to stderr for a CLI run (boot --dump-blocks, APEXVISOR_DUMP_BLOCKS=1). The
// disassembler, and with it the opcode tables, is loaded here, only when a dump is asked for.
import { setBlockDump } from "../cpu/decoder/block-dump";
import type * as Disasm from "../cpu/decoder/disasm";

/** Dumps every block the vCPUs compile to stderr from now on. */
export function dumpBlocksToStderr(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { disasmLine } = require("../cpu/decoder/disasm") as typeof Disasm;
  setBlockDump({ write: (text) => process.stderr.write(text), disasm: disasmLine });
}
