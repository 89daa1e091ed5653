import { expect } from "chai";
import { BlockStore, lba, type DiskWriteBack } from "../../../kernel/disk/block-store";
import { checkDiskSize, openDisk } from "../../../kernel/disk/disk-image";
import type { HostFiles } from "../../../kernel/host/files";

function recorder(image: Uint8Array, fail = false): DiskWriteBack & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    writeAt(offset, bytes) {
      if (fail) return { ok: false, message: "EIO" };
      calls.push([offset, bytes.length]);
      image.set(bytes, offset);
      return { ok: true };
    },
  };
}

describe("disk/block-store", () => {
  it("copy-on-write: reads see writes, the image bytes never change, flush writes nothing", () => {
    const image = new Uint8Array(4 * 512).fill(7);
    const d = new BlockStore(image.slice(), undefined);
    expect(d.write(lba(2), new Uint8Array(512).fill(9))).to.equal(null);
    const got = new Uint8Array(512);
    d.read(lba(2), got);
    expect(got[0]).to.equal(9);
    expect(d.flush()).to.deep.equal({ ok: true, sectors: 0 });
    expect(d.dirtySectors).to.equal(1);
    expect(d.contents()[2 * 512]).to.equal(9);
  });

  it("refuses sectors past the end and short buffers", () => {
    const d = new BlockStore(new Uint8Array(1024), undefined);
    expect(d.read(lba(2), new Uint8Array(512))).to.deep.equal({ kind: "outOfRange", lba: 2 });
    expect(d.write(lba(0), new Uint8Array(100))).to.deep.equal({ kind: "badLength", bytes: 100 });
  });

  it("persist: flush writes adjacent dirty sectors as one run in LBA order, then the overlay is empty", () => {
    const file = new Uint8Array(8 * 512);
    const wb = recorder(file);
    const d = new BlockStore(file.slice(), wb);
    for (const k of [5, 1, 2, 6, 3]) d.write(lba(k), new Uint8Array(512).fill(k));
    expect(d.flush()).to.deep.equal({ ok: true, sectors: 5 });
    expect(wb.calls).to.deep.equal([[512, 3 * 512], [5 * 512, 2 * 512]]);
    expect(file[3 * 512]).to.equal(3);
    expect(d.dirtySectors).to.equal(0);
    expect(d.contents()).to.deep.equal(file);
  });

  it("a failed write-back keeps the sectors for the next flush", () => {
    const d = new BlockStore(new Uint8Array(1024), recorder(new Uint8Array(1024), true));
    d.write(lba(1), new Uint8Array(512).fill(1));
    const r = d.flush();
    expect(r.ok).to.equal(false);
    expect(d.dirtySectors).to.equal(1);
  });
});

describe("disk/disk-image", () => {
  const files = (bytes: Uint8Array | undefined): HostFiles => ({
    read: () => (bytes === undefined ? { ok: false, reason: "missing" } : { ok: true, bytes }),
    absolute: (p) => p,
  });

  it("checks sizes: empty, not whole sectors", () => {
    expect(checkDiskSize(0)).to.match(/empty/);
    expect(checkDiskSize(513)).to.match(/not a whole number/);
    expect(checkDiskSize(1024)).to.equal(null);
  });

  it("reports a missing file, a bad size and a host that cannot persist in one line each", () => {
    expect(openDisk(files(undefined), { path: "d.img", persist: false }, () => undefined)).to.deep.equal({ ok: false, message: "disk image d.img: no such file", reason: "no such file" });
    expect(openDisk(files(new Uint8Array(100)), { path: "d.img", persist: false }, () => undefined)).to.deep.include({ ok: false, message: "disk image d.img is 100 bytes, not a whole number of 512-byte sectors" });
    const r = openDisk(files(new Uint8Array(512)), { path: "d.img", persist: true }, () => undefined);
    expect(r.ok).to.equal(false);
    expect(openDisk(files(new Uint8Array(512)), { path: "d.img", persist: false }, () => undefined).ok).to.equal(true);
  });
});
