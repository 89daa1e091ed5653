// REP INS/OUTS handed to a batching port (PortIo.stringLimit, the forwarded-device path of kernel/ioreq):
// the same memory, registers, cycles, instruction counts and faults as one element at a time, runs that
// stop at page boundaries, and the same sequence of port values.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import type { PortIo } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, type IoPort } from "../../../kernel/mem/types";

const CODE = 0x10000;
const DATA = 0x100000;
const PORT = 0x1f0;

/** A data FIFO on PORT: reads give 1, 2, 3, ... (masked to the size), writes are recorded. */
class Fifo implements PortIo {
  next = 1;
  readonly written: number[] = [];
  readonly runs: number[] = [];
  constructor(private readonly batch: number) {}
  read(_port: IoPort, size: 1 | 2 | 4): number {
    const v = this.next++;
    return size === 4 ? v >>> 0 : v & ((1 << (8 * size)) - 1);
  }
  write(_port: IoPort, _size: 1 | 2 | 4, value: number): void {
    this.written.push(value >>> 0);
  }
  stringLimit(port: IoPort): number {
    return port === PORT ? this.batch : 0;
  }
  readString(port: IoPort, size: 1 | 2 | 4, count: number): Uint8Array {
    this.runs.push(count);
    const out = new Uint8Array(count * size);
    for (let i = 0; i < count; i++) {
      const v = this.read(port, size);
      for (let b = 0; b < size; b++) out[i * size + b] = (v >>> (8 * b)) & 0xff;
    }
    return out;
  }
  writeString(port: IoPort, size: 1 | 2 | 4, bytes: Uint8Array): void {
    this.runs.push(bytes.length / size);
    for (let i = 0; i < bytes.length; i += size) {
      let v = 0;
      for (let b = size - 1; b >= 0; b--) v = v * 256 + bytes[i + b]!;
      this.write(port, size, v);
    }
  }
}

interface Case { ins: boolean; size: 1 | 2 | 4; down: boolean; at: number; ecx: number }

function machine(c: Case, io: Fifo, paging: boolean, mem: PhysicalMemory): Cpu {
  const data = new Uint8Array(0x8000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  mem.writeBytes(guestPhys(DATA), data);
  const op = (c.ins ? 0x6c : 0x6e) + (c.size === 1 ? 0 : 1);
  mem.writeBytes(guestPhys(CODE), new Uint8Array([c.down ? 0xfd : 0xfc, ...(c.size === 2 ? [0x66] : []), 0xf3, op, 0xf4]));
  const cpu = new Cpu({ memory: mem, io, exceptionsExit: true });
  if (paging) {
    const pd = 0x200000;
    const pt = 0x201000;
    mem.write32(guestPhys(pd), pt | 7);
    for (let i = 0; i < 1024; i++) mem.write32(guestPhys(pt + i * 4), (i << 12) | ((i << 12) === DATA + 0x3000 ? 0 : 7));
    cpu.cr3 = pd;
    cpu.cr0 = cpu.cr0 | CR0_PG | (1 << 16);
  }
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  cpu.edx = PORT;
  cpu.esi = c.at;
  cpu.edi = c.at;
  cpu.ecx = c.ecx;
  return cpu;
}

function runCase(c: Case, batch: number, paging: boolean): { state: string[]; mem: Buffer; written: number[]; runs: number[] } {
  const io = new Fifo(batch);
  const mem = new PhysicalMemory(0x400000);
  const cpu = machine(c, io, paging, mem);
  const state: string[] = [];
  for (let i = 0; i < 100; i++) {
    const e = cpu.run(997);
    state.push(`${JSON.stringify(e)} eip=${cpu.eip} ecx=${cpu.ecx} esi=${cpu.esi} edi=${cpu.edi} cyc=${cpu.cycles} ins=${cpu.instructions} cr2=${cpu.cr2}`);
    if (e.kind !== "budget") break;
  }
  return { state, mem: Buffer.from(mem.u8.subarray(DATA, DATA + 0x8000)), written: io.written, runs: io.runs };
}

describe("kernel/cpu: REP INS/OUTS through a batching port", () => {
  it("equals one element at a time: memory, registers, cycles, instructions, port values, #PF at the element on a not-present page", () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let t = 0; t < 48; t++) {
      const size = ([1, 2, 4] as const)[rnd(3)]!;
      const c: Case = { ins: rnd(2) === 0, size, down: rnd(2) === 0, at: DATA + 0x1000 + rnd(0x5000), ecx: rnd(3) === 0 ? rnd(8) : rnd(1500) };
      const paging = t % 2 === 1;
      const one = runCase(c, 0, paging);
      const batched = runCase(c, 256, paging);
      const label = `case ${t} ${JSON.stringify(c)} paging=${paging}`;
      expect(batched.state).to.deep.equal(one.state, label);
      expect(batched.mem.equals(one.mem)).to.equal(true, label);
      expect(batched.written).to.deep.equal(one.written, label);
    }
  });

  it("a run stops at the page boundary and at the batch limit: 256 words from page offset 0xF10 go as 120 + 136", () => {
    const r = runCase({ ins: true, size: 2, down: false, at: DATA + 0xf10, ecx: 256 }, 256, false);
    expect(r.runs).to.deep.equal([120, 136]);
    const up = runCase({ ins: false, size: 4, down: false, at: DATA, ecx: 600 }, 128, false);
    expect(up.runs).to.deep.equal([128, 128, 128, 128, 88]);
  });
});
