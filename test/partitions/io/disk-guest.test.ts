import { expect } from "chai";
import { spawnSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { BlockStore } from "../../../kernel/disk/block-store";
import { bootMultiboot } from "../../../kernel/machine/pc-boot";
import { REPO_ROOT } from "../../kernel/machine/boot-test-image";
import { DISK_GUEST_ELF, diskGuestImage, expectedResult, sampleText, textDisk } from "../../support/disk-guest";
import { scratchDir } from "../../support/scratch-dir";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: "", encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Boots the disk guest in-process on `image` with `append`; returns its console and the disk. */
function boot(image: Uint8Array, append: string): { out: string; disk: BlockStore; status: number | undefined } {
  const disk = new BlockStore(image, undefined);
  const chunks: Uint8Array[] = [];
  const r = bootMultiboot({ elf: diskGuestImage(), elfPath: "disk-guest.elf", commandLine: append, stdout: (b) => chunks.push(b.slice()), disk, maxInstructions: 50_000_000 });
  return { out: Buffer.concat(chunks).toString("latin1"), disk, status: r.end.kind === "debugExit" ? r.end.status : undefined };
}

describe("partitions/io/disk-guest on the in-kernel ATA controller", () => {
  const text = sampleText();
  const want = expectedResult(text);

  for (const [mode, append] of [["irq", "mode=irq multiple=8"], ["poll", "mode=poll multiple=1"], ["irq", "mode=irq multiple=1"], ["poll", "mode=poll multiple=16"]] as const) {
    it(`${append}: reads the file, prints its counts and writes them to the result sector`, () => {
      const { image, resultLba } = textDisk(text);
      const before = image.slice();
      const r = boot(image, append);
      expect(r.status, r.out).to.equal(1); // isa-debug-exit (0 << 1) | 1: main returned 0
      expect(r.out).to.contain("disk: APEXVISOR ATA DISK");
      expect(r.out).to.contain(`${mode}: ${want}`);
      const sector = r.disk.contents().subarray(resultLba * 512, resultLba * 512 + want.length);
      expect(Buffer.from(sector).toString("latin1")).to.equal(want);
      expect(r.disk.written().map((s) => s.lba)).to.deep.equal([resultLba]);
      expect(image).to.deep.equal(before); // copy-on-write: the image bytes are untouched
      if (mode === "irq") expect(r.out).to.not.contain("; 0 interrupts");
      else expect(r.out).to.contain("; 0 interrupts");
    });
  }

  it("bench mode writes and reads back N sectors through READ/WRITE MULTIPLE", () => {
    const r = boot(new Uint8Array(600 * 512), "bench=512 multiple=16");
    expect(r.out).to.contain("bench: 512 sectors written and read back");
    expect(r.out).to.contain("match");
    expect(r.disk.written().length).to.equal(512);
  });

  describe("apexvisor boot --drive", () => {
    const dir = scratchDir("apx-drive-");
    const { image, resultLba } = textDisk(text);

    it("copy-on-write by default: the guest's result is printed, the file is unchanged", () => {
      const f = join(dir, "cow.img");
      writeFileSync(f, image);
      const r = cli(["boot", "--kernel", DISK_GUEST_ELF, "--drive", f]);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stdout).to.contain(`irq: ${want}`);
      expect(new Uint8Array(readFileSync(f))).to.deep.equal(image);
    });

    it("--persist writes the guest's sectors back when the run ends", () => {
      const f = join(dir, "persist.img");
      writeFileSync(f, image);
      const r = cli(["boot", "--kernel", DISK_GUEST_ELF, "--drive", f, "--persist", "--append", "mode=poll"]);
      expect(r.status, r.stderr).to.equal(1);
      const after = readFileSync(f);
      expect(after.subarray(resultLba * 512, resultLba * 512 + want.length).toString("latin1")).to.equal(want);
      expect(new Uint8Array(after.subarray(0, resultLba * 512))).to.deep.equal(image.subarray(0, resultLba * 512));
    });

    it("bad drives are one clean line with the load-error status, and nothing runs", () => {
      const missing = cli(["boot", "--kernel", DISK_GUEST_ELF, "--drive", join(dir, "nope.img")]);
      expect(missing.status).to.equal(4);
      expect(missing.stderr.trim()).to.match(/^apexvisor boot: disk image .*nope\.img: no such file$/);
      expect(missing.stdout).to.equal("");
      const f = join(dir, "short.img");
      writeFileSync(f, image.subarray(0, 1000));
      const short = cli(["boot", "--kernel", DISK_GUEST_ELF, "--drive", f]);
      expect(short.status).to.equal(4);
      expect(short.stderr.trim()).to.match(/short\.img is 1000 bytes, not a whole number of 512-byte sectors$/);
      const usage = cli(["boot", "--kernel", DISK_GUEST_ELF, "--persist"]);
      expect(usage.status).to.equal(2);
      expect(usage.stderr).to.contain("--persist needs --drive FILE");
    });
  });
});
