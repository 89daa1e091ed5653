import { expect } from "chai";
import { findMultibootHeader, MB_FLAG_AOUT_KLUDGE } from "../../../kernel/loader/multiboot-header";
import { multibootHeader } from "./make-elf";

function at(offset: number, header: Uint8Array, size = 16384): Uint8Array {
  const file = new Uint8Array(size);
  file.set(header, offset);
  return file;
}

describe("kernel/loader/multiboot-header", () => {
  it("finds a header at any 4-byte aligned offset in the first 8 KiB", () => {
    const r = findMultibootHeader(at(0x1000, multibootHeader(3)));
    expect(r.ok && r.header).to.deep.equal({ offset: 0x1000, flags: 3 });
    expect(findMultibootHeader(at(8180, multibootHeader(0))).ok).to.equal(true);
  });
  it("ignores a header beyond 8 KiB or off 4-byte alignment", () => {
    expect(findMultibootHeader(at(8192, multibootHeader(0))).ok).to.equal(false);
    const r = findMultibootHeader(at(0x102, multibootHeader(0)));
    expect(!r.ok && r.error.kind).to.equal("noHeader");
  });
  it("rejects a bad checksum", () => {
    const h = multibootHeader(3);
    h[8] = (h[8]! + 1) & 0xff;
    const r = findMultibootHeader(at(64, h));
    expect(!r.ok && r.error.kind).to.equal("badChecksum");
  });
  it("refuses required feature bits it does not know and accepts the video bit like QEMU", () => {
    const r = findMultibootHeader(at(0, multibootHeader(1 << 3)));
    expect(!r.ok && r.error.kind).to.equal("unsupportedFlags");
    expect(findMultibootHeader(at(0, multibootHeader(1 << 2))).ok).to.equal(true);
    expect(findMultibootHeader(at(0, multibootHeader(1 << 20))).ok).to.equal(true);
  });
  it("reads the address fields when flags bit 16 is set", () => {
    const r = findMultibootHeader(at(16, multibootHeader(MB_FLAG_AOUT_KLUDGE, [0x100010, 0x100000, 0x100200, 0x101000, 0x100020])));
    expect(r.ok && r.header.kludge).to.deep.equal({ headerAddr: 0x100010, loadAddr: 0x100000, loadEndAddr: 0x100200, bssEndAddr: 0x101000, entryAddr: 0x100020 });
    const t = findMultibootHeader(multibootHeader(MB_FLAG_AOUT_KLUDGE));
    expect(!t.ok && t.error.kind).to.equal("truncated");
  });
});
