// `npm run gen:abi`: regenerates every file derived from paravirt-abi/abi.json (C header, TS ids and
// layouts, ABI.md, binding glue). With --check it writes nothing and exits 1 when a file is stale.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, join, resolve } from "path";
import { generateAll } from "../paravirt-abi/gen/generate";
import { loadAbi } from "../paravirt-abi/gen/load";
import { AbiDefinitionError } from "../paravirt-abi/gen/parse";

const ROOT = resolve(__dirname, "..", "..");

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  let files: ReadonlyMap<string, string>;
  try {
    files = generateAll(loadAbi(ROOT));
  } catch (e) {
    if (e instanceof AbiDefinitionError) {
      process.stderr.write(`gen-abi: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let stale = 0;
  for (const [rel, text] of files) {
    const file = join(ROOT, rel);
    const old = existsSync(file) ? readFileSync(file, "utf8") : null;
    if (old === text) continue;
    stale++;
    if (check) {
      process.stdout.write(`  stale ${rel}\n`);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    process.stdout.write(`  wrote ${rel}\n`);
  }
  process.stdout.write(`gen-abi: ${files.size} files, ${stale} ${check ? "stale" : "updated"}\n`);
  return check && stale > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
