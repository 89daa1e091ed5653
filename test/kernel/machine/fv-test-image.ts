// Test helper: the FV partition test kernel (test/kernel/machine/fv-guests, built by npm run build:guests)
// and an FV PartitionConfig around it. A missing image fails the test with the command that builds it.
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import type { PartitionConfig } from "../../../kernel/config/model";
import { createFvVm, type FvVm } from "../../../kernel/machine/fv-vm";
import { partition } from "../../support/config-fixtures";
import { REPO_ROOT } from "./boot-test-image";

/** The FV test kernel, built at -O2. */
export const FV_TEST_ELF = join(REPO_ROOT, "build", "guests", "test", "kernel", "machine", "fv-guests", "fv-test-O2.elf");

/** Reads the FV test kernel or throws with the fix. */
export function fvTestImage(): Uint8Array {
  if (!existsSync(FV_TEST_ELF)) throw new Error(`${FV_TEST_ELF} is missing: run \`npm run build:guests\``);
  return new Uint8Array(readFileSync(FV_TEST_ELF));
}

/** An FV partition (id 1) with `commandLine` and `ramBytes` of RAM (default: the FV default). */
export function fvPartition(commandLine: string, ramBytes?: number): PartitionConfig {
  const base = partition(1);
  return {
    ...base,
    memory: ramBytes === undefined ? [] : [{ name: "ram", type: "DATA", sizeBytes: ramBytes, physicalAddress: undefined, access: "READ_WRITE", shared: undefined, pos: base.pos }],
    guest: { ...base.guest, kind: "FV", image: FV_TEST_ELF, commandLine },
  };
}

/** An FV VM of the test kernel whose console text accumulates in `out()`. */
export function fvTestVm(commandLine: string, ramBytes?: number, image: Uint8Array = fvTestImage()): { vm: FvVm; out: () => string } {
  const chunks: Uint8Array[] = [];
  const vm = createFvVm({
    partition: fvPartition(commandLine, ramBytes),
    configDir: ".",
    console: (b) => chunks.push(b.slice()),
    clockHz: 100_000_000,
    image,
    imagePath: "fv-test.elf",
  }) as FvVm;
  return { vm, out: () => Buffer.concat(chunks).toString("latin1") };
}
