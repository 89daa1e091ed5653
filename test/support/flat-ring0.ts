// The flat ring-0 test machine several CPU tests share: a GDT with flat 4 GiB code and data segments, an
// IDT whose vector 0x20 is an interrupt gate to the test's handler bytes, and the test's code at CODE.
import type { Cpu } from "../../kernel/cpu/cpu";
import { PhysicalMemory } from "../../kernel/mem/physical-memory";
import { guestPhys } from "../../kernel/mem/types";

export const GDT = 0x1000, IDT = 0x2000, HANDLER = 0x3000, CODE = 0x10000;

/** 1 MiB of RAM holding the tables, `handler` (what vector 0x20 runs) at HANDLER and `code` at CODE. */
export function flatRing0Memory(handler: readonly number[], code: readonly number[]): PhysicalMemory {
  const mem = new PhysicalMemory(0x100000);
  const w32 = (a: number, v: number): void => mem.write32(guestPhys(a), v);
  w32(GDT + 8, 0x0000ffff); w32(GDT + 12, 0x00cf9a00); // selector 0x08: flat code, ring 0
  w32(GDT + 16, 0x0000ffff); w32(GDT + 20, 0x00cf9200); // selector 0x10: flat data, ring 0
  w32(IDT + 0x20 * 8, (0x08 << 16) | (HANDLER & 0xffff));
  w32(IDT + 0x20 * 8 + 4, (HANDLER & 0xffff0000) | 0x8e00); // present 32-bit interrupt gate
  mem.writeBytes(guestPhys(HANDLER), new Uint8Array(handler));
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  return mem;
}

/** Points `cpu` at the tables and starts it at CODE with a stack below 512 KiB. */
export function enterFlatRing0(cpu: Cpu): Cpu {
  cpu.gdtBase = GDT;
  cpu.gdtLimit = 23;
  cpu.idtBase = IDT;
  cpu.idtLimit = 0x7ff;
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return cpu;
}
