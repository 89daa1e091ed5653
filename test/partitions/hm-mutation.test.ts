// Mutation test of the HM tables: the RTOS suite's HM modules declare the event they expect, so changing
// any table action (every partition action kind, every module action kind) or the level must change the
// module's outcome from pass to fail. Each mutant is the shipped XML with one attribute changed, written
// next to a copy of nothing else (image paths made absolute), and run through the suite harness.
import { NODE_HOST } from "../../kernel/host/node/node-files";
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { loadManifest } from "../../kernel/cli/test-suite/load-manifest";
import { missingImages, SUITE_DIR } from "../../kernel/cli/test-suite/plan";
import { runSuiteModule } from "../../kernel/cli/test-suite/run-module";

const ROOT = join(__dirname, "..", "..", "..");
const LIMIT_MS = 200;

interface Mutant {
  readonly base: string;
  readonly what: string;
  /** Replaces exactly one occurrence of `from` by `to` in the base XML. */
  readonly from: string;
  readonly to: string;
}

const PART = '<Error_ID_Action ErrorIdentifier="3" Action="COLD_START"/>';
const MOD = '<Error_ID_Action ErrorIdentifier="3" Action="RESET"/>';
const mutants: Mutant[] = [
  ...["IGNORE", "IDLE", "WARM_START"].map((a) => ({ base: "hm_memory", what: `partition action COLD_START -> ${a}`, from: PART, to: PART.replace("COLD_START", a) })),
  ...["IGNORE", "SHUTDOWN"].map((a) => ({ base: "hm_module", what: `module action RESET -> ${a}`, from: MOD, to: MOD.replace("RESET", a) })),
  { base: "hm_memory", what: "level PARTITION -> MODULE (module table: none, default RESET)", from: 'ErrorIdentifier="3" ErrorLevel="PARTITION" ErrorCode="MEMORY_VIOLATION"/>\n      <Error_ID_Level ErrorIdentifier="4" ErrorLevel="PROCESS"', to: 'ErrorIdentifier="3" ErrorLevel="MODULE" ErrorCode="MEMORY_VIOLATION"/>\n      <Error_ID_Level ErrorIdentifier="4" ErrorLevel="PROCESS"' },
  { base: "hm_stack", what: "level PROCESS -> PARTITION for STACK_OVERFLOW in process execution (the handler no longer gets it)", from: 'ErrorIdentifier="4" ErrorLevel="PROCESS" ErrorCode="STACK_OVERFLOW"', to: 'ErrorIdentifier="4" ErrorLevel="PARTITION" ErrorCode="STACK_OVERFLOW"' },
  { base: "hm_deadline", what: "level PROCESS -> PARTITION for DEADLINE_MISSED in process execution (the handler no longer gets it)", from: 'ErrorIdentifier="1" ErrorLevel="PROCESS" ErrorCode="DEADLINE_MISSED"', to: 'ErrorIdentifier="1" ErrorLevel="PARTITION" ErrorCode="DEADLINE_MISSED"' },
  { base: "hm_callback", what: "PartitionCallback removed (the callback never runs)", from: ' PartitionCallback="hm_partition_callback"', to: "" },
  { base: "hm_modcb", what: "ModuleCallback removed (the callback never runs)", from: ' ModuleCallback="hm_module_callback"', to: "" },
  { base: "mem_access", what: 'region "rom" Access READ_ONLY -> READ_WRITE (the store lands)', from: 'RegionName="rom" Type="DATA" SizeBytes="0x10000" Access="READ_ONLY"', to: 'RegionName="rom" Type="DATA" SizeBytes="0x10000" Access="READ_WRITE"' },
  { base: "hm_upcall", what: "level PROCESS -> PARTITION (the handler no longer gets it)", from: 'ErrorIdentifier="3" ErrorLevel="PROCESS" ErrorCode="MEMORY_VIOLATION"/>\n      <Error_ID_Level ErrorIdentifier="4" ErrorLevel="PROCESS"', to: 'ErrorIdentifier="3" ErrorLevel="PARTITION" ErrorCode="MEMORY_VIOLATION"/>\n      <Error_ID_Level ErrorIdentifier="4" ErrorLevel="PROCESS"' },
];
// The same HM paths on the bare-PC BSP in FV partitions (apx_services: fault report, upcall line; kernel/devices/apx-services.md).
const PC_BASES = ["hm_memory", "hm_module", "hm_upcall", "hm_callback", "hm_modcb", "hm_stack", "hm_deadline", "mem_access"];
mutants.push(
  ...mutants.filter((m) => PC_BASES.includes(m.base)).map((m) => ({ ...m, base: `${m.base}.pc` })),
  { base: "hm_upcall.pc", what: "apx_services without Irq (no upcall line: the handler never gets it)", from: '<apx:Device Name="apx_services" Irq="5"/>', to: '<apx:Device Name="apx_services"/>' },
);

/** The base XML with one replacement (exactly one match, or the test itself is broken) and absolute image paths. */
function mutate(file: string, from: string, to: string): string {
  const xml = readFileSync(file, "utf8");
  const at = xml.indexOf(from);
  if (at < 0 || xml.indexOf(from, at + 1) >= 0) throw new Error(`${file}: the mutation site must occur exactly once: ${from}`);
  const out = xml.slice(0, at) + to + xml.slice(at + from.length);
  return out.replace(/Image="([^"]+)"/g, (_m, p: string) => `Image="${resolve(dirname(file), p)}"`);
}

describe("HM tables: every action kind is observable (mutation test)", function () {
  this.timeout(120_000);
  let dir = "";
  before(function () {
    if (missingImages(ROOT).length > 0) {
      console.log("    (skipped: run `npm run build:guests`)");
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "apexvisor-hm-mutants-"));
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  // Problems of the harness plus every failed test (a callback that did not run shows as a FAIL line only).
  const run = (file: string): string[] => {
    const r = runSuiteModule(file, NODE_HOST, loadManifest(ROOT), LIMIT_MS);
    return [...r.problems, ...r.reports.flatMap((p) => p.tests.filter((t) => !t.pass).map((t) => `FAIL ${t.group}.${t.name}: ${t.reason}`))];
  };

  for (const base of ["hm_memory", "hm_module", "hm_upcall", "hm_callback", "hm_modcb", "hm_stack", "hm_deadline", "mem_access", ...PC_BASES.map((b) => `${b}.pc`)]) {
    it(`${base}: the shipped module passes`, () => {
      const file = join(dir, `${base}.xml`);
      writeFileSync(file, mutate(join(ROOT, SUITE_DIR, `${base}.xml`), "<Module_Schedule", "<Module_Schedule"));
      expect(run(file)).to.deep.equal([]);
    });
  }
  // Without the device (a PC booted alone, or under QEMU) the pc BSP's local HM policy still hands these
  // process-level errors to the error handler: the same modules pass with apx_services taken out.
  for (const base of ["hm_stack.pc", "hm_deadline.pc"]) {
    it(`${base}: without apx_services the BSP's local HM policy passes the module too`, () => {
      const file = join(dir, `${base}-local.xml`);
      // The kernel then sees no HM event, so the module declares none (its hm=... goes too).
      const local = mutate(join(ROOT, SUITE_DIR, `${base}.xml`), '\n      <apx:Device Name="apx_services" Irq="5"/>', "");
      expect(local).to.match(/ hm=[^" ]+/);
      writeFileSync(file, local.replace(/ hm=[^" ]+/, ""));
      expect(run(file)).to.deep.equal([]);
    });
  }
  for (const m of mutants) {
    it(`${m.base}: ${m.what} fails the module`, () => {
      const file = join(dir, `${m.base}-mutant.xml`);
      writeFileSync(file, mutate(join(ROOT, SUITE_DIR, `${m.base}.xml`), m.from, m.to));
      const problems = run(file);
      expect(problems.join("\n")).to.match(/HM event|restart|never|end|FAIL/);
    });
  }
});
