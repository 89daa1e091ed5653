// Shared memory between partition kinds, the other way round from partitions/rtos-tests/shared_memory.pc.xml
// (FV writer, PV reader): a PV writer and an FV reader, so each kind sees the other's writes in one block; and
// the FV memory map the kernel applies (fv-memory-map.ts): block addresses, read-only regions and blocks.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { loadConfig } from "../../../kernel/config/load";
import { NODE_FILES, NODE_HOST } from "../../../kernel/host/node/node-files";
import { loadManifest } from "../../../kernel/cli/test-suite/load-manifest";
import { missingImages } from "../../../kernel/cli/test-suite/plan";
import { runSuiteModule } from "../../../kernel/cli/test-suite/run-module";
import { applyFvMemoryMap, fvSharedBlocks, FV_SHARED_BASE } from "../../../kernel/machine/fv-memory-map";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { sharedMemoryOf } from "../../../kernel/mem/shared-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { REPO_ROOT } from "./boot-test-image";

const TESTS = join(REPO_ROOT, "partitions", "rtos-tests");
const PC_IMAGE = join(REPO_ROOT, "build", "guests", "guest-rtos", "bsp", "pc", "rtos-tests-pc-O2.elf");
const DEVICES = ["pic8259", "pit8254", "uart16550@0x3f8", "isa_debug_exit", "apx_services"].map((d) => `<apx:Device Name="${d}"/>`).join("");

/** shared_memory.xml with the reader turned into an FV partition on the pc BSP (image paths made absolute). */
function pvWriterFvReader(): string {
  const pv = readFileSync(join(TESTS, "shared_memory.xml"), "utf8").replace(/Image="\.\.\/\.\.\//g, `Image="${REPO_ROOT}/`);
  const reader = /<apx:Guest Kind="PV" Image="[^"]*" Binding="trap" CommandLine="group=shm_reader"\/>/;
  expect(pv).to.match(reader);
  const fv = pv.replace(reader, `<apx:Guest Kind="FV" Image="${PC_IMAGE}" CommandLine="group=shm_reader">${DEVICES}</apx:Guest>`);
  // The reader's private memory becomes one RAM region (its PC); its shared "shm" stays READ_ONLY.
  const readerMemory = /(<Partition_Memory PartitionIdentifier="2">\s*)<Memory_Requirements RegionName="code"[^>]*\/>\s*<Memory_Requirements RegionName="data"[^>]*\/>/;
  expect(fv).to.match(readerMemory);
  return fv.replace(readerMemory, `$1<Memory_Requirements RegionName="ram" Type="DATA" SizeBytes="0x400000" Access="READ_WRITE"/>`);
}

describe("kernel/machine: shared memory and access rights of FV partitions", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-fvshm-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("a PV writer and an FV reader share one block: the PC sees the PV partition's writes", function () {
    const missing = missingImages(REPO_ROOT);
    if (missing.length > 0) {
      console.log(`    (skipped: run \`npm run build:guests\`; missing ${missing.join(", ")})`);
      this.skip();
    }
    const file = join(tmp, "shared_memory.pv-fv.xml");
    writeFileSync(file, pvWriterFvReader());
    const run = runSuiteModule(file, NODE_HOST, loadManifest(REPO_ROOT));
    const tests = run.reports.flatMap((r) => r.tests);
    const output = run.reports.map((r) => `--- partition ${r.partition}\n${r.lines.join("\n")}`).join("\n");
    expect([...run.problems, ...tests.filter((t) => !t.pass).map((t) => `${t.group}.${t.name}: ${t.reason}`)], output).to.deep.equal([]);
    expect(tests.map((t) => `${t.group}.${t.name}`).sort()).to.deep.equal(["shm_reader.sees_writes", "shm_reader.status", "shm_writer.cfg_zero", "shm_writer.status", "shm_writer.write"]);
  });

  it("places blocks from SHARED_BASE in configuration order and protects READ_ONLY regions and blocks", () => {
    const loaded = loadConfig(join(TESTS, "shared_memory.pc.xml"), NODE_FILES);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
    const config = loaded.config;
    const writer = config.partitions.find((p) => p.name === "shm_writer");
    if (writer === undefined) throw new Error("no shm_writer");
    expect(fvSharedBlocks(writer)).to.deep.equal([
      { name: "cfg", size: 0x2000, writable: false, address: FV_SHARED_BASE },
      { name: "shm", size: 0x1000, writable: true, address: FV_SHARED_BASE + 0x2000 },
    ]);
    const mem = new PhysicalMemory(0x400000);
    applyFvMemoryMap(mem, writer, config);
    expect(mem.writeProtected(FV_SHARED_BASE)).to.equal(true); // cfg: READ_ONLY
    expect(mem.writeProtected(FV_SHARED_BASE + 0x2000)).to.equal(false); // shm: READ_WRITE
    expect(mem.writeProtected(0x1000)).to.equal(false); // its RAM
    // The PC's window is the module's block: a write through one view is seen through the other.
    mem.write32(guestPhys(FV_SHARED_BASE + 0x2000 + 8), 0x12345678);
    expect(sharedMemoryOf(config).block("shm").bytes[8]).to.equal(0x78);

    const access = loadConfig(join(TESTS, "mem_access.pc.xml"), NODE_FILES);
    if (!access.ok) throw new Error(access.errors.map((e) => e.message).join("; "));
    const p = access.config.partitions[0];
    if (p === undefined) throw new Error("no partition");
    const ram = new PhysicalMemory(0x800000);
    applyFvMemoryMap(ram, p, access.config);
    expect([0x4ff000, 0x500000, 0x50f000, 0x510000].map((a) => ram.writeProtected(a))).to.deep.equal([false, true, true, false]);
  });
});
