import { expect } from "chai";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE_BASE, DATA_BASE, snippetCpu } from "../../support/cpu-harness";
import { bytes, d32, ZERO } from "./snippets";

const GDT = 0x2000;

/** Snippet machine with a GDT: 0x08 code, 0x10 data, 0x18 data limited to 0xfff, 0x20 read-only data, 0x28 expand-down (limit 0xfff), 0x30 not present. */
function withGdt(code: Uint8Array) {
  const m = snippetCpu(code, ZERO);
  const w = (a: number, lo: number, hi: number): void => {
    m.mem.write32(guestPhys(a), lo);
    m.mem.write32(guestPhys(a + 4), hi);
  };
  w(GDT + 0x08, 0x0000ffff, 0x00cf9a00);
  w(GDT + 0x10, 0x0000ffff, 0x00cf9200);
  w(GDT + 0x18, 0x00000fff, 0x00409200 | (DATA_BASE >>> 16)); // base DATA_BASE, limit 0xfff, byte granular
  w(GDT + 0x20, 0x0000ffff, 0x00cf9000);
  w(GDT + 0x28, 0x00000fff, 0x00409600);
  w(GDT + 0x30, 0x0000ffff, 0x00cf1200);
  m.cpu.gdtBase = GDT;
  m.cpu.gdtLimit = 0x37;
  return m;
}

function run(code: Uint8Array) {
  const m = withGdt(code);
  const e = m.cpu.run(1000);
  return { ...m, exit: e };
}

describe("kernel/cpu segmentation", () => {
  it("loads a based, limited data segment and faults past its limit", () => {
    // mov ax,0x18; mov es,ax; mov dword es:[0xffc], 7; mov dword es:[0xffd], 7
    const r = run(bytes(0x66, 0xb8, 0x18, 0x00, 0x8e, 0xc0, 0x26, 0xc7, 0x05, d32(0xffc), d32(7), 0x26, 0xc7, 0x05, d32(0xffd), d32(7)));
    expect(r.mem.read32(guestPhys(DATA_BASE + 0xffc))).to.equal(7);
    expect(r.exit).to.deep.include({ kind: "fault", vector: 13, errorCode: 0 });
  });
  it("refuses writes to read-only data, bad selectors and absent segments with the right codes", () => {
    // mov ax,0x20; mov ds,ax; mov [0x100],eax -> #GP(0)
    expect(run(bytes(0x66, 0xb8, 0x20, 0x00, 0x8e, 0xd8, 0xa3, d32(0x100))).exit).to.deep.include({ vector: 13, errorCode: 0 });
    // selector beyond the GDT limit -> #GP(sel)
    expect(run(bytes(0x66, 0xb8, 0x48, 0x00, 0x8e, 0xd8)).exit).to.deep.include({ vector: 13, errorCode: 0x48 });
    // not present -> #NP(sel)
    expect(run(bytes(0x66, 0xb8, 0x30, 0x00, 0x8e, 0xd8)).exit).to.deep.include({ vector: 11, errorCode: 0x30 });
    // code segment into SS -> #GP(sel); null SS -> #GP(0)
    expect(run(bytes(0x66, 0xb8, 0x08, 0x00, 0x8e, 0xd0)).exit).to.deep.include({ vector: 13, errorCode: 0x08 });
    expect(run(bytes(0x31, 0xc0, 0x8e, 0xd0)).exit).to.deep.include({ vector: 13, errorCode: 0 });
    // null DS loads, then a use faults
    expect(run(bytes(0x31, 0xc0, 0x8e, 0xd8, 0xa1, d32(0))).exit).to.deep.include({ vector: 13, errorCode: 0 });
  });
  it("expand-down segments accept offsets above the limit only", () => {
    // mov ax,0x28; mov es,ax; mov es:[0x2000],al (ok) ; mov es:[0x10],al (#GP)
    const r = run(bytes(0x66, 0xb8, 0x28, 0x00, 0x8e, 0xc0, 0x26, 0xa2, d32(0x2000), 0x26, 0xa2, d32(0x10)));
    expect(r.exit).to.deep.include({ vector: 13 });
    expect(r.cpu.eip).to.equal(CODE_BASE + 12);
  });
  it("far JMP reloads CS, LDS loads a far pointer, RETF returns", () => {
    // jmp 0x08:CODE+7 ; (7:) lds ebx,[DATA] ; push 0x08 ; push CODE+22 ; retf ; (22:) nop
    const data = new Uint8Array([0x78, 0x56, 0x34, 0x12, 0x10, 0x00]);
    const code = bytes(0xea, d32(CODE_BASE + 7), 0x08, 0x00, 0x8b, 0x1d, d32(0), 0x90, 0x90, 0x6a, 0x08, 0x68, d32(CODE_BASE + 23), 0xcb, 0x90);
    const m = withGdt(code);
    m.mem.writeBytes(guestPhys(DATA_BASE), data);
    // patch the 8b 1d (mov) into c5 1d (lds) with an absolute address
    m.mem.writeBytes(guestPhys(CODE_BASE + 7), new Uint8Array([0xc5, 0x1d, ...d32(DATA_BASE)]));
    const e = m.cpu.run(1000);
    expect(e.kind).to.equal("halt");
    expect(m.cpu.ebx).to.equal(0x12345678);
    expect(m.cpu.segSel[3]).to.equal(0x10);
    expect(m.cpu.segSel[1]).to.equal(0x08);
  });
});
