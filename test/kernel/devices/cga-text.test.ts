import { expect } from "chai";
import { CgaText } from "../../../kernel/devices/cga-text";

const INDEX = 0x4, DATA = 0x5, STATUS = 0xa;

function putString(cga: CgaText, row: number, col: number, text: string, attr = 0x1f): void {
  for (let i = 0; i < text.length; i++) cga.memory.write((row * 80 + col + i) * 2, 2, text.charCodeAt(i) | (attr << 8));
}

describe("kernel/devices/cga-text", () => {
  it("starts as a blank 25-line screen of grey spaces", () => {
    const cga = new CgaText();
    expect(cga.dumpText()).to.equal(new Array(25).fill("").join("\n"));
    expect(cga.memory.read(0, 2)).to.equal(0x0720);
  });

  it("dumps what was written, line by line with trailing spaces trimmed", () => {
    const cga = new CgaText();
    putString(cga, 0, 0, "Linux version 2.6");
    putString(cga, 24, 75, "end");
    cga.memory.write(2 * 80, 4, 0x0748_0748); // "HH" as one dword
    const lines = cga.dumpText().split("\n");
    expect(lines).to.have.length(25);
    expect(lines[0]).to.equal("Linux version 2.6");
    expect(lines[1]).to.equal("HH");
    expect(lines[24]).to.equal(" ".repeat(75) + "end");
    expect(cga.memory.read(0, 1)).to.equal(0x4c);
    expect(cga.memory.read(1, 1)).to.equal(0x1f);
    expect(cga.memory.read(2 * 80, 4)).to.equal(0x0748_0748);
  });

  it("decodes CP437 and shows control bytes as dots", () => {
    const cga = new CgaText();
    cga.memory.write(0, 1, 0xc9);
    cga.memory.write(2, 1, 0xcd);
    cga.memory.write(4, 1, 0x01);
    cga.memory.write(6, 1, 0x00);
    cga.memory.write(8, 1, 0x41);
    expect(cga.dumpText().split("\n")[0]).to.equal("╔═. A");
  });

  it("ignores and reads all-ones outside the buffer", () => {
    const cga = new CgaText();
    cga.memory.write(0x7fff, 2, 0x4141);
    expect(cga.memory.read(0x7fff, 2)).to.equal(0xffff);
    expect(cga.memory.read(0x7fff, 1)).to.equal(0x07);
  });

  it("reads back cursor shape, start address and cursor location through index/data", () => {
    const cga = new CgaText();
    cga.write(INDEX, 1, 0x0a);
    expect(cga.read(DATA, 1)).to.equal(0x0d);
    for (const reg of [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f]) {
      cga.write(INDEX, 1, reg);
      cga.write(DATA, 1, 0x10 + reg);
    }
    for (const reg of [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f]) {
      cga.write(INDEX, 1, reg);
      expect(cga.read(DATA, 1)).to.equal(0x10 + reg);
    }
    expect(cga.read(INDEX, 1)).to.equal(0x0f);
  });

  it("accepts the 16-bit out of index and data together and reports the cursor cell", () => {
    const cga = new CgaText();
    cga.write(INDEX, 2, 0x010e);
    cga.write(INDEX, 2, 0x430f);
    expect(cga.cursorCell()).to.equal(0x143);
  });

  it("shows the page selected by the start address", () => {
    const cga = new CgaText();
    putString(cga, 25, 0, "page two");
    cga.write(INDEX, 2, (2000 >> 8) << 8 | 0x0c);
    cga.write(INDEX, 2, (2000 & 0xff) << 8 | 0x0d);
    expect(cga.dumpText().split("\n")[0]).to.equal("page two");
  });

  it("alternates the retrace bits of the status port on each read", () => {
    const cga = new CgaText();
    const reads = [0, 1, 2, 3].map(() => cga.read(STATUS, 1));
    expect(reads).to.deep.equal([0x09, 0x00, 0x09, 0x00]);
  });

  it("survives save -> JSON -> parse -> restore into a fresh instance", () => {
    const cga = new CgaText();
    putString(cga, 3, 4, "saved");
    cga.write(INDEX, 2, 0x200e);
    cga.read(STATUS, 1);
    cga.write(0x8, 1, 0x2d);
    const saved = cga.saveState();
    const fresh = new CgaText();
    const parsed = fresh.parseState(JSON.parse(JSON.stringify(saved)));
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    fresh.restoreState(parsed.state);
    expect(fresh.saveState()).to.deep.equal(saved);
    expect(fresh.dumpText()).to.equal(cga.dumpText());
    expect(fresh.read(STATUS, 1)).to.equal(0x00);
  });

  it("rejects malformed state without touching the device", () => {
    const cga = new CgaText();
    putString(cga, 0, 0, "keep");
    const before = cga.saveState();
    for (const [bad, field] of [[{ ...before, crtc: [1, 2, 3] }, "crtc"], [{ ...before, vram: "!!" }, "vram"], [{ ...before, vram: [256] }, "vram"]] as const) {
      const r = cga.parseState(bad);
      expect(r.ok, field).to.equal(false);
      if (!r.ok) expect(r.error).to.contain(field);
    }
    expect(cga.dumpText().startsWith("keep")).to.equal(true);
  });
});
