// Reads paravirt-abi/abi.json and retired.json from a repo checkout and parses them. The only file I/O
// of the ABI tooling besides the writer in scripts/gen-abi.ts.
import { readFileSync } from "fs";
import { join } from "path";
import type { AbiDefinition } from "./model";
import { AbiDefinitionError, parseAbi } from "./parse";

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new AbiDefinitionError([`${file}: cannot read: ${(e as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AbiDefinitionError([`${file}: not valid JSON: ${(e as Error).message}`]);
  }
}

/** Loads and validates the ABI definition of the checkout at `root`. */
export function loadAbi(root: string): AbiDefinition {
  return parseAbi(readJson(join(root, "paravirt-abi", "abi.json")), readJson(join(root, "paravirt-abi", "retired.json")));
}
