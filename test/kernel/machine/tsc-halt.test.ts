// The TSC keeps counting while the vCPU sleeps in HLT (kernel/cpu/ops-system.ts haltedCycles), in `boot` and in
// an FV partition: Linux keeps time by the TSC, and a TSC that stopped in HLT made every sleep last until enough
// code had run (a boot spent most of its time in such sleeps).
import { expect } from "chai";
import { bootMultiboot } from "../../../kernel/machine/pc-boot";

/**
 * A flat Multiboot kernel: PIT channel 0 in mode 0 with `count`, then `sti; hlt`; the IRQ0 handler reads the
 * TSC and writes EAX to isa-debug-exit, so the run's status is TSC * 2 + 1.
 */
function tscAfterHaltKernel(count: number): Uint8Array {
  const base = 0x100000;
  const img = new Uint8Array(0x100);
  const dv = new DataView(img.buffer);
  [0x1badb002, 0x10000, (-(0x1badb002 + 0x10000)) >>> 0, base, base, 0, 0, base + 0x40].forEach((w, i) => dv.setUint32(i * 4, w, true));
  dv.setBigUint64(0x28, 0x00cf9a000000ffffn, true); // GDT[1]: flat code
  dv.setBigUint64(0x30, 0x00cf92000000ffffn, true); // GDT[2]: flat data
  dv.setUint16(0x38, 23, true);
  dv.setUint32(0x3a, base + 0x20, true);
  img.set(
    [
      [0x0f, 0x01, 0x15, 0x38, 0x00, 0x10, 0x00], // lgdt [0x100038]
      [0x0f, 0x01, 0x1d, 0x80, 0x00, 0x10, 0x00], // lidt [0x100080]
      [0xb0, 0x30, 0xe6, 0x43], // channel 0, lo/hi, mode 0
      [0xb0, count & 0xff, 0xe6, 0x40],
      [0xb0, count >>> 8, 0xe6, 0x40],
      [0xfb, 0xf4], // sti; hlt
    ].flat(),
    0x40,
  );
  img.set([0x0f, 0x31, 0xe7, 0xf4], 0x60); // handler: rdtsc; out 0xf4, eax
  dv.setUint16(0x80, 9 * 8 - 1, true);
  dv.setUint32(0x82, base + 0x88, true);
  const handler = base + 0x60;
  dv.setUint32(0x88 + 8 * 8, (handler & 0xffff) | (0x08 << 16), true);
  dv.setUint32(0x88 + 8 * 8 + 4, (handler & 0xffff0000) | 0x8e00, true);
  return img;
}

describe("kernel/machine: the TSC counts halted cycles", () => {
  it("boot: RDTSC after a HLT that waited for the PIT reads the cycles the wait took, not only the instructions run", () => {
    const count = 50_000; // ~41.9 ms of PIT time: ~4.19 M cycles at 100 MHz
    const r = bootMultiboot({ elf: tscAfterHaltKernel(count), elfPath: "flat", stdout: () => undefined });
    if (r.end.kind !== "debugExit") throw new Error(`unexpected end ${JSON.stringify(r.end)}`);
    const tsc = (r.end.status - 1) / 2;
    const deadlineNs = (BigInt(count) * 1_000_000_000n + 1_193_181n) / 1_193_182n;
    const deadlineCycle = Number((deadlineNs + 9n) / 10n);
    expect(r.instructions).to.be.below(20);
    expect(tsc).to.be.within(deadlineCycle, deadlineCycle + 4);
  });
});
