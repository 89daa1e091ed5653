import { expect } from "chai";
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { bootMultiboot, resumeBoot, type BootMachineParams } from "../../../kernel/machine/pc-boot";
import { readCore, writeCore } from "../../../kernel/snapshot/elf-core";
import { PRSTATUS_SIZE } from "../../../kernel/snapshot/prstatus";
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FORMAT_VERSION, type SnapshotContent, type SnapshotMachine } from "../../../kernel/snapshot/snapshot-file";
import { Prng } from "../../support/prng";
import { bootTestImage, BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

/** A real boot snapshot: the initcount guest halted between PIT ticks. */
function bootSnapshot(): { content: SnapshotContent; params: BootMachineParams; out: string } {
  let out = "";
  const r = bootMultiboot({ elf: bootTestImage(), elfPath: "boot-test", commandLine: "initcount", maxInstructions: 9000, keepState: true, stdout: (b) => (out += Buffer.from(b).toString("latin1")) });
  if (r.snapshot === undefined || r.params === undefined) throw new Error("no snapshot");
  const params = r.params;
  return { content: { kind: "boot", params: { memoryBytes: params.memoryBytes, clockHz: params.clockHz, debugConsole: params.debugConsole }, machines: [r.snapshot()], kernel: null }, params, out };
}

function has(tool: string): boolean {
  return spawnSync(tool, ["--version"], { encoding: "utf8" }).status === 0;
}

describe("kernel/snapshot/snapshot-file", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-snapfile-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("a note size near 2^32 is refused, not wrapped (found by the snapshots fuzz campaign, seed 2026)", () => {
    const core = writeCore({ notes: [{ owner: "APEXVISOR", type: 1, desc: new Uint8Array(8) }, { owner: "CORE", type: 1, desc: new Uint8Array(4) }], loads: [] });
    const dv = new DataView(core.buffer);
    const noteAt = dv.getUint32(dv.getUint32(28, true) + 4, true); // p_offset of the first program header (the PT_NOTE)
    for (const size of [0xfffffffd, 0xfffffffc, 0x80000000]) {
      for (const field of [0, 4]) {
        const bad = core.slice();
        new DataView(bad.buffer).setUint32(noteAt + field, size, true);
        const r = readCore(bad);
        expect(r.ok ? "accepted" : r.error, `${field === 0 ? "namesz" : "descsz"} 0x${size.toString(16)}`).to.match(/^PT_NOTE: note 0: sizes run past the segment/);
      }
    }
  });

  it("is an ELF32 i386 core: a PT_NOTE with NT_PRSTATUS (i386 layout) and the apexvisor notes, one PT_LOAD of RAM at guest-physical 0", () => {
    const { content } = bootSnapshot();
    const bytes = encodeSnapshot(content);
    const core = readCore(bytes);
    if (!core.ok) throw new Error(core.error);
    const pr = core.core.notes.find((n) => n.owner === "CORE" && n.type === 1);
    expect(pr?.desc.length).to.equal(PRSTATUS_SIZE);
    const m = content.machines[0] as SnapshotMachine;
    const v = new DataView(pr!.desc.buffer, pr!.desc.byteOffset);
    expect(v.getUint32(72 + 12 * 4, true)).to.equal(m.cpu.eip); // pr_reg[EIP]
    expect(v.getUint32(72 + 15 * 4, true)).to.equal((m.cpu.regs[4] ?? 0) >>> 0); // pr_reg[UESP]
    expect(core.core.loads.map((l) => [l.paddr, l.memSize])).to.deep.equal([[0, 64 * 1024 * 1024]]);
    const back = decodeSnapshot(bytes);
    expect(back.ok && back.content.machines[0]?.devices.map((d) => d.unit)).to.deep.equal(m.devices.map((d) => d.unit));
  });

  it("restore continues the machine exactly (in process): output after the save equals a straight run's", () => {
    const { content, params, out } = bootSnapshot();
    let full = "";
    const straight = bootMultiboot({ elf: bootTestImage(), elfPath: "boot-test", commandLine: "initcount", stdout: (b) => (full += Buffer.from(b).toString("latin1")) });
    const decoded = decodeSnapshot(encodeSnapshot(content));
    if (!decoded.ok) throw new Error(decoded.error);
    let rest = "";
    const r = resumeBoot({ params, machine: decoded.content.machines[0] as SnapshotMachine, stdout: (b) => (rest += Buffer.from(b).toString("latin1")) });
    expect(r.end).to.deep.equal({ kind: "debugExit", status: 3 });
    expect(out + rest).to.equal(full);
    // Same virtual time at the end: every device timer was restored at its saved offset.
    expect([r.instructions, r.cycles]).to.deep.equal([straight.instructions, straight.cycles]);
  });

  it("mutation: seeded random bit flips and truncations of a real snapshot give only clean one-line refusals", () => {
    const bytes = encodeSnapshot(bootSnapshot().content);
    const rng = new Prng(0x5eed_0009);
    const reasons = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const copy = Uint8Array.from(bytes);
      // Half the flips hit the headers and notes (where parsing could go wrong), half anywhere.
      const at = i % 2 === 0 ? rng.int(0, 0x16000 - 1) : rng.int(0, copy.length - 1);
      copy[at] = (copy[at] ?? 0) ^ (1 << rng.int(0, 7));
      const r = decodeSnapshot(copy);
      expect(r.ok, `flip at ${at}`).to.equal(false);
      if (!r.ok) {
        expect(r.error).to.not.contain("\n");
        reasons.add(r.error.split(":")[0] ?? "");
      }
    }
    for (let i = 0; i < 60; i++) {
      const len = i < 30 ? rng.int(0, 0x16000) : rng.int(0, bytes.length - 1);
      const r = decodeSnapshot(bytes.subarray(0, len));
      expect(r.ok, `truncated to ${len}`).to.equal(false);
      if (!r.ok) expect(r.error).to.not.contain("\n");
    }
    expect([...reasons]).to.include("checksum");
  });

  it("names the part that failed: wrong version, hand-edited field (checksum recomputed), wrong device set", () => {
    const { content, params } = bootSnapshot();
    const bytes = encodeSnapshot(content);
    const text = Buffer.from(bytes);
    const v = text.indexOf(`"formatVersion":${SNAPSHOT_FORMAT_VERSION}`);
    text.write('"formatVersion":7', v, "latin1");
    const wrong = decodeSnapshot(text);
    expect(!wrong.ok && wrong.error).to.match(/^header note: format version 7 is not supported/);
    const m = content.machines[0] as SnapshotMachine;
    const pit = m.devices.find((d) => d.unit === "pit8254");
    const edited: SnapshotMachine = { ...m, devices: m.devices.map((d) => (d === pit ? { ...d, state: { ...(d.state as object), irqTimerDueInNs: "-5" } } : d)) };
    const again = decodeSnapshot(encodeSnapshot({ ...content, machines: [edited] }));
    if (!again.ok) throw new Error(again.error);
    let printed = "";
    const r = resumeBoot({ params, machine: again.content.machines[0] as SnapshotMachine, stdout: (b) => (printed += String(b.length)) });
    expect(r.end.kind).to.equal("loadError");
    expect(r.end.kind === "loadError" && r.end.message).to.match(/^device note boot\/pit8254: field pit8254\.irqTimerDueInNs/);
    expect(printed).to.equal(""); // nothing ran
    const fewer = resumeBoot({ params, machine: { ...m, devices: m.devices.slice(1) }, stdout: () => undefined });
    expect(fewer.end.kind === "loadError" && fewer.end.message).to.match(/^device notes boot: 13 devices saved, this machine has 14/);
  });

  it("CLI: boot --save writes a file gdb, readelf and snapshot info read; a corrupt file is refused with exit 12 and one line", () => {
    const file = join(tmp, "boot.core");
    const s = spawnSync(process.execPath, [CLI, "boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", "9000", "--save", file], { encoding: "utf8" });
    expect(s.status, s.stderr).to.equal(0);
    const info = spawnSync(process.execPath, [CLI, "snapshot", "info", file], { encoding: "utf8" });
    expect(info.stdout).to.match(new RegExp(`apexvisor boot snapshot, format ${SNAPSHOT_FORMAT_VERSION} .*checksum OK`));
    expect(info.stdout).to.contain("devices: pic8259-master, pic8259-slave, local-apic, io-apic, pit8254, system-port-b, i8042, reset-control, fpu-error, uart16550@0x3f8, cmos-rtc, cga-text, isa-debug-exit");
    const bad = join(tmp, "bad.core");
    const bytes = new Uint8Array(require("fs").readFileSync(file) as Buffer);
    writeFileSync(bad, bytes.subarray(0, 5000));
    const r = spawnSync(process.execPath, [CLI, "boot", "--restore", bad], { encoding: "utf8" });
    expect(r.status).to.equal(12);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stdout).to.equal("");
    if (has("readelf")) {
      for (const flag of ["-n", "-l"]) {
        const e = spawnSync("readelf", ["-W", flag, file], { encoding: "utf8", maxBuffer: 64 << 20 });
        expect(e.status).to.equal(0);
        expect(e.stderr).to.equal("");
      }
    } else console.log("      (readelf not installed: the readelf check is skipped)");
    if (!has("gdb")) {
      console.log("      (gdb not installed: the gdb check is skipped)");
      return;
    }
    const g = spawnSync("gdb", ["-nx", "-batch", "-ex", "info registers", "-ex", "x/4xw $esp", BOOT_TEST_ELF, file], { encoding: "utf8", timeout: 120_000 });
    expect(g.status, g.stderr).to.equal(0);
    const dec = decodeSnapshot(bytes);
    if (!dec.ok) throw new Error(dec.error);
    const cpu = (dec.content.machines[0] as SnapshotMachine).cpu;
    expect(g.stdout).to.match(new RegExp(`eip\\s+0x${cpu.eip.toString(16)}\\b`));
    expect(g.stdout).to.match(new RegExp(`esp\\s+0x${((cpu.regs[4] ?? 0) >>> 0).toString(16)}\\b`));
    expect(g.stdout).to.match(new RegExp(`0x${((cpu.regs[4] ?? 0) >>> 0).toString(16)}(\\s+<[^>]*>)?:\\s+0x[0-9a-f]{8}`));
  });
});
