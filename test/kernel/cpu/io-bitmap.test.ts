import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import type { PortIo } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, type IoPort } from "../../../kernel/mem/types";

// IN/OUT/INS/OUTS at CPL 3 against the TSS's I/O permission bitmap (SDM vol. 1, 19.5.2).
const CODE = 0x1000, TSS = 0x3000, DATA = 0x5000;
const IOMAP = 0x68;
/** Ports 0x2F8-0x2FF are allowed (bitmap byte 0x5F clear); everything else is denied. */
const BITMAP_BYTES = 0x61; // covers ports 0x000-0x307
const TSS_P_BUSY32 = 0x8b00;
/** Each snippet ends in INT END_VECTOR, which exits at CPL 3 as a "hypercall" (HLT would be #GP there). */
const END_VECTOR = 0x30;

interface Access { readonly dir: "in" | "out"; readonly port: number; readonly size: number; readonly value?: number }

function machine(code: number[], opts: { iopl?: number; limit?: number; noTss?: boolean } = {}): { cpu: Cpu; log: Access[]; mem: PhysicalMemory } {
  const mem = new PhysicalMemory(0x10000);
  const log: Access[] = [];
  const io: PortIo = {
    read: (port: IoPort, size) => {
      log.push({ dir: "in", port, size });
      return 0x12345678 & (size === 4 ? 0xffffffff : (1 << (size * 8)) - 1);
    },
    write: (port: IoPort, size, value) => void log.push({ dir: "out", port, size, value }),
  };
  const cpu = new Cpu({ memory: mem, io, hypercallVectors: new Set([END_VECTOR]), exceptionsExit: true });
  mem.writeBytes(guestPhys(CODE), new Uint8Array([...code, 0xcd, END_VECTOR]));
  mem.write16(guestPhys(TSS + 0x66), IOMAP);
  for (let i = 0; i < BITMAP_BYTES; i++) mem.write8(guestPhys(TSS + IOMAP + i), 0xff);
  mem.write8(guestPhys(TSS + IOMAP + (0x2f8 >> 3)), 0x00);
  mem.write8(guestPhys(TSS + IOMAP + BITMAP_BYTES), 0xff); // the terminating byte the SDM asks for
  if (opts.noTss !== true) {
    cpu.trBase = TSS;
    cpu.trLimit = opts.limit ?? IOMAP + BITMAP_BYTES;
    cpu.trAttr = TSS_P_BUSY32;
  }
  cpu.loadFlat32({ codeSelector: 0x18, dataSelector: 0x20, cpl: 3 });
  cpu.setEflags(0x2 | ((opts.iopl ?? 0) << 12));
  cpu.eip = CODE;
  cpu.esp = 0x8000;
  return { cpu, log, mem };
}

const IN_AL_DX = [0xec], IN_AX_DX = [0x66, 0xed], IN_EAX_DX = [0xed], OUT_DX_AL = [0xee], OUT_DX_EAX = [0xef];

function runAt(code: number[], dx: number, opts: Parameters<typeof machine>[1] = {}): { exit: ReturnType<Cpu["run"]>; log: Access[]; cpu: Cpu } {
  const m = machine(code, opts);
  m.cpu.edx = dx;
  m.cpu.eax = 0xa5;
  return { exit: m.cpu.run(1000), log: m.log, cpu: m.cpu };
}

const GP0 = { kind: "fault", vector: 13, errorCode: 0, eip: CODE, cr2: undefined };

describe("kernel/cpu I/O permission bitmap", () => {
  it("an allowed port works at CPL 3 in every width that stays inside the allowed bits", () => {
    for (const [code, port, size] of [[IN_AL_DX, 0x2f8, 1], [IN_AL_DX, 0x2ff, 1], [IN_AX_DX, 0x2fe, 2], [IN_EAX_DX, 0x2fc, 4]] as const) {
      const r = runAt([...code], port);
      expect(r.exit.kind, `port 0x${port.toString(16)} size ${size}`).to.equal("hypercall");
      expect(r.log).to.deep.equal([{ dir: "in", port, size }]);
    }
    const out = runAt(OUT_DX_AL, 0x2f9);
    expect(out.log).to.deep.equal([{ dir: "out", port: 0x2f9, size: 1, value: 0xa5 }]);
  });

  it("a denied port is #GP(0) at the instruction, and nothing reaches the bus", () => {
    for (const port of [0x2f7, 0x300, 0x3f8, 0x0, 0x80]) {
      const r = runAt(IN_AL_DX, port);
      expect(r.exit, `port 0x${port.toString(16)}`).to.deep.equal(GP0);
      expect(r.log).to.deep.equal([]);
    }
  });

  it("a multi-byte access straddling the allowed/denied boundary faults (every accessed bit is checked)", () => {
    // 0x2F7 is denied, 0x2F8 allowed: a word at 0x2F7 touches both (and two bitmap bytes).
    expect(runAt(IN_AX_DX, 0x2f7).exit).to.deep.equal(GP0);
    // 0x2FF allowed, 0x300 denied: the word at 0x2FF and the dwords at 0x2FD..0x2FF cross into byte 0x60.
    expect(runAt(IN_AX_DX, 0x2ff).exit).to.deep.equal(GP0);
    for (const port of [0x2fd, 0x2fe, 0x2ff]) expect(runAt(OUT_DX_EAX, port).exit, `dword at 0x${port.toString(16)}`).to.deep.equal(GP0);
    expect(runAt(IN_EAX_DX, 0x2f5).exit).to.deep.equal(GP0);
    expect(runAt(OUT_DX_EAX, 0x2fc).log).to.deep.equal([{ dir: "out", port: 0x2fc, size: 4, value: 0xa5 }]);
  });

  it("a port whose bitmap bytes lie beyond the TSS limit is denied, including the second byte of the read", () => {
    expect(runAt(IN_AL_DX, 0x400).exit).to.deep.equal(GP0); // far past the bitmap
    // Limit ends right at bitmap byte 0x5F: its two-byte read (0x5F, 0x60) crosses the limit.
    expect(runAt(IN_AL_DX, 0x2f8, { limit: IOMAP + 0x5f }).exit).to.deep.equal(GP0);
    expect(runAt(IN_AL_DX, 0x2f8, { limit: IOMAP + 0x60 }).exit.kind).to.equal("hypercall");
    // A limit below the I/O map base field itself: no bitmap at all.
    expect(runAt(IN_AL_DX, 0x2f8, { limit: 0x60 }).exit).to.deep.equal(GP0);
  });

  it("with no TSS loaded every port faults; at CPL <= IOPL the bitmap is not consulted", () => {
    expect(runAt(IN_AL_DX, 0x2f8, { noTss: true }).exit).to.deep.equal(GP0);
    const r = runAt(IN_AL_DX, 0x3f8, { iopl: 3, noTss: true });
    expect(r.exit.kind).to.equal("hypercall");
    expect(r.log).to.deep.equal([{ dir: "in", port: 0x3f8, size: 1 }]);
  });

  it("OUT imm8 and REP OUTSB/INSB are checked against the bitmap too", () => {
    expect(runAt([0xe6, 0x80], 0).exit).to.deep.equal(GP0); // out 0x80, al
    // rep outsb to an allowed port: every byte goes out; to a denied port: nothing does.
    const rep = [0xbe, DATA & 0xff, DATA >> 8, 0, 0, 0xb9, 3, 0, 0, 0, 0xf3, 0x6e]; // mov esi, DATA; mov ecx, 3; rep outsb
    const ok = machine(rep);
    ok.mem.writeBytes(guestPhys(DATA), new Uint8Array([1, 2, 3]));
    ok.cpu.edx = 0x2f8;
    expect(ok.cpu.run(1000).kind).to.equal("hypercall");
    expect(ok.log.map((a) => a.value)).to.deep.equal([1, 2, 3]);
    const denied = machine(rep);
    denied.cpu.edx = 0x3f8;
    expect(denied.cpu.run(1000)).to.deep.equal({ ...GP0, eip: CODE + 10 });
    expect(denied.log).to.deep.equal([]);
    const ins = machine([0xbf, DATA & 0xff, DATA >> 8, 0, 0, 0x66, 0x6d]); // mov edi, DATA; insw
    ins.cpu.edx = 0x2ff; // word at 0x2FF crosses into denied 0x300
    expect(ins.cpu.run(1000)).to.deep.equal({ ...GP0, eip: CODE + 5 });
  });
});
