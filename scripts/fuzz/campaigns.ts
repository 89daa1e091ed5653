// The fuzz campaigns: each runs `iterations` seeded cases and counts host exceptions (any throw that
// is not a typed guest/input error) and isolation breaks. Used by scripts/fuzz.ts and the smoke test.
import { readFileSync } from "fs";
import { join } from "path";
import { validateText } from "../../kernel/config/load";
import { Cpu } from "../../kernel/cpu/cpu";
import { NO_PORTS } from "../../kernel/cpu/io";
import { parseElf32 } from "../../kernel/loader/elf32";
import { planMultibootLoad } from "../../kernel/loader/multiboot";
import { parsePvImage } from "../../kernel/pv/pv-image";
import { PhysicalMemory } from "../../kernel/mem/physical-memory";
import { guestPhys } from "../../kernel/mem/types";
import { Rng } from "./rng";

/** What one campaign found. */
export interface CampaignReport {
  readonly campaign: string;
  readonly seed: number;
  readonly iterations: number;
  /** Guest instructions executed (CPU campaigns) or files tried. */
  readonly work: number;
  readonly hostExceptions: number;
  readonly isolationBreaks: number;
  /** The first few findings, each with the iteration that reproduces it. */
  readonly findings: readonly string[];
}

const RAM = 0x40000;
const CODE = 0x10000;
const BUDGET = 20_000;

/** Random instruction bytes on two CPUs over two memories: the second (the "other partition") runs a
 * known loop between the fuzzed slices and must end each slice exactly at its budget with its memory
 * intact; the fuzzed CPU must never throw. `user`: CPL 3 with exceptions to the kernel (PV) or CPL 0
 * with the guest's own (empty) IDT (FV: faults escalate to a triple fault). */
function cpuBytes(name: string, user: boolean, seed: number, iterations: number): CampaignReport {
  const rng = new Rng(seed);
  const findings: string[] = [];
  let host = 0;
  let breaks = 0;
  let work = 0;
  const otherMem = new PhysicalMemory(RAM);
  otherMem.writeBytes(guestPhys(CODE), new Uint8Array([0x40, 0x43, 0xeb, 0xfc])); // l: inc eax; inc ebx; jmp l
  const other = new Cpu({ memory: otherMem, io: NO_PORTS });
  other.eip = CODE;
  const otherImage = otherMem.readBytes(guestPhys(0), RAM);
  for (let it = 0; it < iterations; it++) {
    const mem = new PhysicalMemory(RAM);
    mem.writeBytes(guestPhys(CODE), rng.bytes(4096));
    const cpu = new Cpu({ memory: mem, io: { read: () => 0xffffffff, write: () => undefined }, exceptionsExit: user, hypercallVectors: new Set([0x80]) });
    if (user) cpu.loadFlat32({ codeSelector: 0x1b, dataSelector: 0x23, cpl: 3 });
    cpu.eip = CODE;
    cpu.esp = 0x30000;
    for (let r = 0; r < 8; r++) cpu.r[r] = r === 4 ? 0x30000 : rng.u32() & (RAM - 1);
    try {
      for (let slice = 0; slice < 4; slice++) {
        const e = cpu.run(BUDGET);
        if (e.kind === "halt" || e.kind === "tripleFault") break;
        if (e.kind === "fault" || e.kind === "hypercall") {
          // the kernel would hand this to the HM or serve it: skip the instruction's partition
          break;
        }
      }
    } catch (err) {
      host++;
      if (findings.length < 5) findings.push(`${name} seed ${seed} iteration ${it}: host exception ${(err as Error).message}`);
    }
    work += cpu.instructions;
    const before = other.cycles;
    const e = other.run(997);
    if (e.kind !== "budget" || other.cycles - before !== 997) {
      breaks++;
      if (findings.length < 5) findings.push(`${name} iteration ${it}: the other partition's window ended at ${other.cycles - before} cycles, not 997`);
    }
  }
  const now = otherMem.readBytes(guestPhys(0), RAM);
  if (Buffer.compare(Buffer.from(now), Buffer.from(otherImage)) !== 0) {
    breaks++;
    findings.push(`${name}: the other partition's memory changed`);
  }
  return { campaign: name, seed, iterations, work, hostExceptions: host, isolationBreaks: breaks, findings };
}

/** Mutated copies of `seedFile` handed to `parse`; only a thrown exception counts (results are typed). */
function mutated(name: string, seedFile: Uint8Array, parse: (b: Uint8Array) => unknown, seed: number, iterations: number): CampaignReport {
  const rng = new Rng(seed);
  const findings: string[] = [];
  let host = 0;
  for (let it = 0; it < iterations; it++) {
    const b = rng.mutate(seedFile);
    try {
      parse(b);
    } catch (err) {
      host++;
      if (findings.length < 5) findings.push(`${name} seed ${seed} iteration ${it}: host exception ${(err as Error).message}`);
    }
  }
  return { campaign: name, seed, iterations, work: iterations, hostExceptions: host, isolationBreaks: 0, findings };
}

/** Campaign names and how to run them (root: the repository, for seed files). */
export const CAMPAIGNS: Record<string, (root: string, seed: number, iterations: number) => CampaignReport> = {
  "pv-bytes": (_root, seed, n) => cpuBytes("pv-bytes", true, seed, n),
  "fv-bytes": (_root, seed, n) => cpuBytes("fv-bytes", false, seed, n),
  elf: (root, seed, n) => {
    const pv = readFileSync(join(root, "build/guests/partitions/demo/apps/sensor-trap-O2.elf"));
    return mutated("elf", pv, (b) => {
      parseElf32(b);
      parsePvImage(b, 4 * 1024 * 1024);
      planMultibootLoad(b, { memoryBytes: 8 * 1024 * 1024, commandLine: "", bootLoaderName: "fuzz" });
    }, seed, n);
  },
  xml: (root, seed, n) => {
    const xml = readFileSync(join(root, "partitions/demo/module.xml"));
    return mutated("xml", xml, (b) => validateText(new TextDecoder().decode(b), "fuzz.xml"), seed, n);
  },
};
