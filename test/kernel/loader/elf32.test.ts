import { expect } from "chai";
import { parseElf32 } from "../../../kernel/loader/elf32";
import { makeElf } from "./make-elf";

const code = new Uint8Array([0xfa, 0xf4]);
const good = { entry: 0x100000, segments: [{ vaddr: 0x100000, data: code, memSize: 0x1000 }] };

function kindOf(bytes: Uint8Array): string {
  const r = parseElf32(bytes);
  return r.ok ? "ok" : r.error.kind;
}

describe("kernel/loader/elf32", () => {
  it("parses a minimal i386 executable into its PT_LOAD segments", () => {
    const r = parseElf32(makeElf({ entry: 0x100000, segments: [{ vaddr: 0xc0100000, paddr: 0x100000, data: code, memSize: 0x2000, flags: 7 }] }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.image.entry).to.equal(0x100000);
    expect(r.image.segments).to.have.length(1);
    const s = r.image.segments[0]!;
    expect([s.vaddr, s.paddr, s.fileSize, s.memSize, s.flags]).to.deep.equal([0xc0100000, 0x100000, 2, 0x2000, 7]);
  });
  it("skips non-PT_LOAD headers and empty segments", () => {
    const r = parseElf32(makeElf({ entry: 0x100000, segments: [{ type: 4, vaddr: 0, data: code }, { vaddr: 0x200000, data: new Uint8Array(0) }, good.segments[0]!] }));
    expect(r.ok && r.image.segments.map((s) => s.paddr)).to.deep.equal([0x100000]);
  });
  it("names each malformed identification and header field", () => {
    expect(kindOf(new Uint8Array(10))).to.equal("truncated");
    expect(kindOf(new TextEncoder().encode("#!/bin/sh\necho not an elf\n"))).to.equal("badMagic");
    expect(kindOf(makeElf({ ...good, cls: 2 }))).to.equal("badClass");
    expect(kindOf(makeElf({ ...good, data: 2 }))).to.equal("badEncoding");
    expect(kindOf(makeElf({ ...good, identVersion: 0 }))).to.equal("badVersion");
    expect(kindOf(makeElf({ ...good, version: 2 }))).to.equal("badVersion");
    expect(kindOf(makeElf({ ...good, type: 1 }))).to.equal("badType");
    expect(kindOf(makeElf({ ...good, machine: 62 }))).to.equal("badMachine");
    expect(kindOf(makeElf({ ...good, ehsize: 40 }))).to.equal("badHeaderSize");
    expect(kindOf(makeElf({ ...good, phentsize: 56 }))).to.equal("badProgramHeaders");
    expect(kindOf(makeElf({ ...good, phnum: 0 }))).to.equal("badProgramHeaders");
    expect(kindOf(makeElf({ ...good, phnum: 200 }))).to.equal("truncated");
    expect(kindOf(makeElf({ ...good, segments: [] , phnum: 0}))).to.equal("badProgramHeaders");
    expect(kindOf(makeElf({ entry: 0, segments: [{ type: 4, vaddr: 0, data: code }] }))).to.equal("noLoadableSegment");
  });
  it("says what is wrong in words, with the value", () => {
    const r = parseElf32(makeElf({ ...good, machine: 62 }));
    expect(!r.ok && r.error.message).to.match(/e_machine 62 \(EM_X86_64\)/);
    const c = parseElf32(makeElf({ ...good, cls: 2 }));
    expect(!c.ok && c.error.message).to.match(/ELF64/);
  });
  it("rejects segments that lie outside the file or wrap the address space", () => {
    expect(kindOf(makeElf({ entry: 0, segments: [{ vaddr: 0x1000, data: code, fileSize: 0x10000, memSize: 0x10000 }] }))).to.equal("truncated");
    expect(kindOf(makeElf({ entry: 0, segments: [{ vaddr: 0x1000, data: code, offset: 0xffffff00 }] }))).to.equal("truncated");
    expect(kindOf(makeElf({ entry: 0, segments: [{ vaddr: 0x1000, data: code, memSize: 1 }] }))).to.equal("badSegment");
    expect(kindOf(makeElf({ entry: 0, segments: [{ vaddr: 0xfffff000, data: code, memSize: 0x2000 }] }))).to.equal("badSegment");
  });
});
