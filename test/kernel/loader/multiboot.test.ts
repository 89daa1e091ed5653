import { expect } from "chai";
import { applyMultibootPlan, planMultibootLoad, type MultibootLoadOptions, type MultibootPlan } from "../../../kernel/loader/multiboot";
import { MB_FLAG_AOUT_KLUDGE } from "../../../kernel/loader/multiboot-header";
import { makeElf, multibootHeader } from "./make-elf";

const MiB = 1048576;
const opts = { memoryBytes: 64 * MiB, commandLine: "kernel.elf hello", bootLoaderName: "apexvisor" };

function plan(file: Uint8Array, o: MultibootLoadOptions = opts): MultibootPlan {
  const r = planMultibootLoad(file, o);
  if (!r.ok) throw new Error(r.error.message);
  return r.plan;
}

function memoryFrom(p: MultibootPlan, size = 4 * MiB): DataView {
  const ram = new Uint8Array(size).fill(0xcc);
  applyMultibootPlan(p, { writeBytes: (addr, data) => ram.set(data, addr) });
  return new DataView(ram.buffer);
}

function cString(dv: DataView, addr: number): string {
  let s = "";
  for (let a = addr; dv.getUint8(a) !== 0; a++) s += String.fromCharCode(dv.getUint8(a));
  return s;
}

const code = new Uint8Array([0xfa, 0xf4, 0x90, 0x90]);
const elfKernel = (flags = 3): Uint8Array =>
  makeElf({ entry: 0xc0100000, prefix: multibootHeader(flags), segments: [{ vaddr: 0xc0100000, paddr: 0x100000, data: code, memSize: 0x1800 }] });

describe("kernel/loader/multiboot", () => {
  it("loads ELF segments at their physical address, zeroes bss and translates the entry point", () => {
    const p = plan(elfKernel());
    expect(p.entry).to.equal(0x100000);
    const mem = memoryFrom(p);
    expect(mem.getUint32(0x100000, true)).to.equal(0x9090f4fa);
    expect(mem.getUint8(0x100004)).to.equal(0);
    expect(mem.getUint8(0x1017ff)).to.equal(0);
    expect(mem.getUint8(0x101800)).to.equal(0xcc);
  });
  it("places a complete info structure on the first page after the kernel", () => {
    const p = plan(elfKernel());
    expect(p.infoAddr).to.equal(0x102000);
    const mem = memoryFrom(p);
    const u32 = (off: number): number => mem.getUint32(p.infoAddr + off, true);
    expect(u32(0)).to.equal(0x24f); // mem, boot device, cmdline, mods, mmap, loader name
    expect(u32(4)).to.equal(639); // what QEMU's firmware reports
    expect(u32(8)).to.equal(64384);
    expect(cString(mem, u32(16))).to.equal("kernel.elf hello");
    expect(u32(20)).to.equal(0);
    expect(cString(mem, u32(64))).to.equal("apexvisor");
    const mmap: number[][] = [];
    for (let a = u32(48); a < u32(48) + u32(44); a += mem.getUint32(a, true) + 4) {
      mmap.push([mem.getUint32(a + 4, true), mem.getUint32(a + 12, true), mem.getUint32(a + 20, true)]);
    }
    expect(mmap).to.deep.equal([
      [0, 0x9fc00, 1],
      [0x9fc00, 0x400, 2],
      [0xf0000, 0x10000, 2],
      [0x100000, 0x3ee0000, 1],
      [0x3fe0000, 0x20000, 2],
      [0xfffc0000, 0x40000, 2],
    ]);
  });
  it("places modules after the info, page aligned when header flags bit 0 asks", () => {
    const mod = { data: new Uint8Array([1, 2, 3]), string: "mod1 arg" };
    for (const [flags, align] of [[1, 4096], [0, 4]] as const) {
      const p = plan(elfKernel(flags), { ...opts, modules: [mod, mod] });
      const mem = memoryFrom(p);
      const u32 = (a: number): number => mem.getUint32(a, true);
      expect(u32(p.infoAddr + 20)).to.equal(2);
      const list = u32(p.infoAddr + 24);
      for (const i of [0, 1]) {
        const start = u32(list + i * 16);
        expect(start % align).to.equal(0);
        expect(u32(list + i * 16 + 4) - start).to.equal(3);
        expect(mem.getUint8(start + 2)).to.equal(3);
        expect(cString(mem, u32(list + i * 16 + 8))).to.equal("mod1 arg");
      }
      if (flags === 1) expect(u32(list + 16) - u32(list)).to.equal(4096);
    }
  });
  it("uses the header's address fields when flags bit 16 is set, even for a flat binary", () => {
    // File: 16 bytes of code, header at file offset 16 (= 0x200010), then padding.
    const file = new Uint8Array(64);
    file.set(code, 0);
    file.set(multibootHeader(MB_FLAG_AOUT_KLUDGE, [0x200010, 0x200000, 0x200030, 0x203000, 0x200000]), 16);
    const p = plan(file);
    expect(p.entry).to.equal(0x200000);
    expect(p.chunks[0]).to.include({ addr: 0x200000, zeroBytes: 0x3000 - 0x30 });
    expect(p.chunks[0]!.bytes.length).to.equal(0x30);
    expect(p.infoAddr).to.equal(0x203000);
    const mem = memoryFrom(p);
    expect(mem.getUint32(0x200000, true)).to.equal(0x9090f4fa);
  });
  it("rejects inconsistent address fields", () => {
    const file = new Uint8Array(64);
    file.set(multibootHeader(MB_FLAG_AOUT_KLUDGE, [0x200010, 0x200100, 0, 0, 0x200000]), 16);
    const r = planMultibootLoad(file, opts);
    expect(!r.ok && r.error.kind).to.equal("badAddressFields");
    file.set(multibootHeader(MB_FLAG_AOUT_KLUDGE, [0x200010, 0x200000, 0x300000, 0, 0x200000]), 16);
    const r2 = planMultibootLoad(file, opts);
    expect(!r2.ok && r2.error.message).to.match(/more bytes than the file holds/);
  });
  it("reports a non-Multiboot ELF, a non-ELF file and a kernel too large for RAM", () => {
    const noHeader = planMultibootLoad(makeElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code }] }), opts);
    expect(!noHeader.ok && noHeader.error.kind).to.equal("noHeader");
    const text = planMultibootLoad(new TextEncoder().encode("hello"), opts);
    expect(!text.ok && text.error.kind).to.equal("badMagic");
    const big = planMultibootLoad(elfKernel(), { ...opts, memoryBytes: MiB });
    expect(!big.ok && big.error.kind).to.equal("outOfMemory");
    const elf64 = planMultibootLoad(makeElf({ cls: 2, entry: 0, prefix: multibootHeader(0), segments: [{ vaddr: 0x100000, data: code }] }), opts);
    expect(!elf64.ok && elf64.error.kind).to.equal("badClass");
  });
});
