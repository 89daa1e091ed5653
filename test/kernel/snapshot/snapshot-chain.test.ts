// Incremental snapshots (issue 9): a delta stores only the pages written since its base and names the base
// by checksum; restore applies base -> delta -> delta. Continuation through a chain is bit-exact (new
// processes through the CLI), the chain's RAM equals a full save's, and a wrong, missing or damaged link
// is refused with one line.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readSnapshotFile } from "../../../kernel/host/node/snapshot-io";
import { applyDelta } from "../../../kernel/snapshot/snapshot-chain";
import { decodeSnapshot, encodeSnapshot } from "../../../kernel/snapshot/snapshot-file";
import { Prng } from "../../support/prng";
import { BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Console and notice lines of `run`/`resume` output: everything before the summary's blank line. */
const body = (stdout: string): string => stdout.slice(0, Math.max(0, stdout.indexOf("\n\n") + 1));

describe("kernel/snapshot/snapshot-chain: incremental snapshots", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-chain-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const boot = (name: string): string => join(tmp, name);

  it("boot: base -> delta -> delta continues bit for bit in new processes; the chain's RAM equals a full save's", () => {
    const full = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount"]);
    expect(full.status).to.equal(3);
    const a = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", "1500", "--save", boot("a.core")]);
    expect(a.status, a.stderr).to.equal(0);
    const b = cli(["boot", "--restore", boot("a.core"), "--save-at-instructions", "5000", "--save", boot("b.core"), "--incremental"]);
    expect(b.status, b.stderr).to.equal(0);
    expect(b.stderr).to.match(/saved .*b\.core \(a delta on .*a\.core\) at 5000 instructions/);
    const c = cli(["boot", "--restore", boot("b.core"), "--save-at-instructions", "9000", "--save", boot("c.core"), "--incremental"]);
    expect(c.status, c.stderr).to.equal(0);
    const rest = cli(["boot", "--restore", boot("c.core")]);
    expect(rest.status, rest.stderr).to.equal(3);
    expect(a.stdout + b.stdout + c.stdout + rest.stdout).to.equal(full.stdout);
    // A delta holds only the written pages: far smaller than its base.
    expect(statSync(boot("c.core")).size).to.be.below(statSync(boot("a.core")).size / 4);
    // Every page that changed since the base is in the chain: its RAM equals a full save at the same instant.
    const cFull = cli(["boot", "--restore", boot("b.core"), "--save-at-instructions", "9000", "--save", boot("c-full.core")]);
    expect(cFull.status, cFull.stderr).to.equal(0);
    const chained = readSnapshotFile(boot("c.core"));
    const whole = readSnapshotFile(boot("c-full.core"));
    if (!chained.ok || !whole.ok) throw new Error("unreadable");
    const ram = chained.content.machines[0]!.ram;
    const ref = whole.content.machines[0]!.ram;
    expect(Buffer.from(ram.subarray(0, ref.length)).equals(Buffer.from(ref))).to.equal(true);
    expect(ram.subarray(ref.length).every((x) => x === 0)).to.equal(true);
    expect(chained.content.machines[0]!.cpu).to.deep.equal(whole.content.machines[0]!.cpu);
  });

  it("refuses a chain whose base is missing, replaced or damaged, with exit 12 and one line naming the base", () => {
    copyFileSync(boot("a.core"), boot("a.saved"));
    // Replaced: a valid snapshot of another instant under the same name.
    const other = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", "1600", "--save", boot("a.core")]);
    expect(other.status).to.equal(0);
    let r = cli(["boot", "--restore", boot("c.core")]);
    expect(r.status).to.equal(12);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.match(/base snapshot a\.core: its checksum [0-9a-f]{12}\.\.\. is not the [0-9a-f]{12}\.\.\. this delta was made against/);
    // Missing.
    unlinkSync(boot("a.core"));
    r = cli(["boot", "--restore", boot("c.core")]);
    expect(r.status).to.equal(12);
    expect(r.stderr.trim()).to.match(/^apexvisor boot: .*c\.core: base snapshot a\.core: cannot read: ENOENT$/);
    // Damaged (one flipped bit).
    const bytes = readFileSync(boot("a.saved"));
    bytes[0x2000] = (bytes[0x2000] ?? 0) ^ 0x10;
    writeFileSync(boot("a.core"), bytes);
    r = cli(["boot", "--restore", boot("c.core")]);
    expect(r.status).to.equal(12);
    expect(r.stderr.trim()).to.match(/base snapshot a\.core: checksum: /);
    copyFileSync(boot("a.saved"), boot("a.core"));
    // --incremental needs a restored snapshot to be a delta on.
    r = cli(["boot", "--kernel", BOOT_TEST_ELF, "--save-at-instructions", "100", "--save", boot("x.core"), "--incremental"]);
    expect(r.status).to.equal(2);
  });

  it("mutation: seeded bit flips and truncations of a delta file give only clean one-line refusals", () => {
    const bytes = new Uint8Array(readFileSync(boot("b.core")));
    const base = decodeSnapshot(new Uint8Array(readFileSync(boot("a.saved"))));
    if (!base.ok) throw new Error(base.error);
    const rng = new Prng(0x0de1_7a09);
    for (let i = 0; i < 200; i++) {
      const copy = Uint8Array.from(bytes);
      const at = rng.int(0, copy.length - 1);
      copy[at] = (copy[at] ?? 0) ^ (1 << rng.int(0, 7));
      const r = decodeSnapshot(copy);
      expect(r.ok, `flip at ${at}`).to.equal(false);
      if (!r.ok) expect(r.error).to.not.contain("\n");
    }
    for (let i = 0; i < 40; i++) {
      const r = decodeSnapshot(bytes.subarray(0, rng.int(0, bytes.length - 1)));
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.error).to.not.contain("\n");
    }
    // Hand-made deltas whose checksum is right: runs outside RAM, a base of another kind.
    const delta = decodeSnapshot(bytes);
    if (!delta.ok) throw new Error(delta.error);
    const m = base.content.machines[0]!;
    const outside = decodeSnapshot(encodeSnapshot({ ...delta.content, machines: [{ ...m, dirtyPages: [m.ramBytes / 4096 + 3] }] }));
    expect(outside.ok).to.equal(false);
    if (!outside.ok) expect(outside.error).to.match(/^machine note boot: field runs: PT_LOAD 0: /);
    const applied = applyDelta(delta.content, { ...base.content, kind: "module" });
    expect(applied.ok).to.equal(false);
    if (!applied.ok) expect(applied.error).to.equal("base snapshot a.core: a module snapshot under a boot delta");
  });

  const modules: readonly { name: string; frameNs: bigint; k1: bigint; k2: bigint; frames: number }[] = [
    // An FV and two PV partitions: a frame end, then a mid-window instant (the scenarios' plain continuation is continuation.test.ts).
    { name: "demo", frameNs: 20_000_000n, k1: 20_000_000n, k2: 7_777_777n, frames: 2 },
  ];
  for (const s of modules) {
    it(`module ${s.name}: run k + resume --incremental + resume the delta in new processes == one run`, () => {
      const xml = join("test", "scenarios", s.name, "module.xml");
      const full = cli(["run", xml, "--frames", String(s.frames), "--no-color", "--trace", join(tmp, "full.jsonl")]);
      expect(full.status).to.equal(0);
      const first = cli(["run", xml, "--duration", `${s.k1}ns`, "--no-color", "--trace", join(tmp, "t1.jsonl"), "--save", join(tmp, "m1.core")]);
      expect(first.status, first.stderr).to.equal(0);
      const second = cli(["resume", join(tmp, "m1.core"), "--duration", `${s.k2}ns`, "--no-color", "--trace", join(tmp, "t2.jsonl"), "--save", join(tmp, "m2.core"), "--incremental"]);
      expect(second.status, second.stderr).to.equal(0);
      expect(statSync(join(tmp, "m2.core")).size).to.be.below(statSync(join(tmp, "m1.core")).size);
      const rest = BigInt(s.frames) * s.frameNs - s.k1 - s.k2;
      const third = cli(["resume", join(tmp, "m2.core"), "--duration", `${rest}ns`, "--no-color", "--trace", join(tmp, "t3.jsonl")]);
      expect(third.status, third.stderr).to.equal(0);
      expect(body(first.stdout) + body(second.stdout) + body(third.stdout)).to.equal(body(full.stdout));
      const traces = ["t1", "t2", "t3"].map((t) => readFileSync(join(tmp, `${t}.jsonl`), "utf8")).join("");
      expect(traces).to.equal(readFileSync(join(tmp, "full.jsonl"), "utf8"));
    });
  }
});
