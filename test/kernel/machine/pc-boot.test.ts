import { expect } from "chai";
import { bootMultiboot, type BootOptions, type BootResult } from "../../../kernel/machine/pc-boot";
import { bootTestImage, BOOT_TEST_ELF } from "./boot-test-image";

interface Run {
  result: BootResult;
  out: string;
  e9: string;
}

function boot(args: string, extra: Partial<BootOptions> = {}): Run {
  const chunks: Uint8Array[] = [];
  const e9: Uint8Array[] = [];
  const result = bootMultiboot({
    elf: bootTestImage(),
    elfPath: BOOT_TEST_ELF,
    commandLine: args,
    maxInstructions: 50_000_000,
    stdout: (b) => chunks.push(b.slice()),
    debugConsole: (b) => e9.push(b.slice()),
    ...extra,
  });
  const text = (parts: Uint8Array[]): string => Buffer.concat(parts).toString("latin1");
  return { result, out: text(chunks), e9: text(e9) };
}

/**
 * A flat kernel loaded through the Multiboot a.out-kludge fields: loads a GDT and an IDT whose vector 8
 * (IRQ0 as the BIOS leaves the PIC) writes 5 to isa-debug-exit, starts PIT channel 0 in mode 0 with
 * `count`, enables interrupts and spins. Instructions up to the count-loading OUT: 8.
 */
function flatTimerKernel(count: number): Uint8Array {
  const base = 0x100000;
  const img = new Uint8Array(0x100);
  const dv = new DataView(img.buffer);
  const words = [0x1badb002, 0x10000, (-(0x1badb002 + 0x10000)) >>> 0, base, base, 0, 0, base + 0x40];
  words.forEach((w, i) => dv.setUint32(i * 4, w, true));
  dv.setBigUint64(0x28, 0x00cf9a000000ffffn, true); // GDT[1]: flat code
  dv.setBigUint64(0x30, 0x00cf92000000ffffn, true); // GDT[2]: flat data
  dv.setUint16(0x38, 23, true); // GDTR
  dv.setUint32(0x3a, base + 0x20, true);
  const code = [
    [0x0f, 0x01, 0x15, 0x38, 0x00, 0x10, 0x00], // lgdt [0x100038]
    [0x0f, 0x01, 0x1d, 0x80, 0x00, 0x10, 0x00], // lidt [0x100080]
    [0xb0, 0x30, 0xe6, 0x43], // mov al, 0x30; out 0x43, al (channel 0, lo/hi, mode 0)
    [0xb0, count & 0xff, 0xe6, 0x40],
    [0xb0, count >>> 8, 0xe6, 0x40], // the 8th instruction loads the count
    [0xfb], // sti
    [0xeb, 0xfe], // spin: jmp spin
    [0xb0, 0x05, 0xe6, 0xf4], // handler at 0x100060: mov al, 5; out 0xf4, al
  ].flat();
  img.set(code.slice(0, code.length - 4), 0x40);
  img.set(code.slice(code.length - 4), 0x60);
  dv.setUint16(0x80, 9 * 8 - 1, true); // IDTR
  dv.setUint32(0x82, base + 0x88, true);
  const handler = base + 0x60;
  dv.setUint32(0x88 + 8 * 8, (handler & 0xffff) | (0x08 << 16), true); // interrupt gate, vector 8
  dv.setUint32(0x88 + 8 * 8 + 4, (handler & 0xffff0000) | 0x8e00, true);
  return img;
}

/** A flat kernel (a.out-kludge load at 1 MiB) whose code is `code`, entered at 0x100020. */
function flatKernel(code: number[]): Uint8Array {
  const img = new Uint8Array(0x20 + code.length);
  const dv = new DataView(img.buffer);
  [0x1badb002, 0x10000, (-(0x1badb002 + 0x10000)) >>> 0, 0x100000, 0x100000, 0, 0, 0x100020].forEach((w, i) => dv.setUint32(i * 4, w, true));
  img.set(code, 0x20);
  return img;
}

describe("kernel/machine/pc-boot", () => {
  it("ends a hlt that nothing can wake instead of skipping time forever", () => {
    const quiet = (code: number[]): BootResult => bootMultiboot({ elf: flatKernel(code), elfPath: "flat", stdout: () => undefined });
    const masked = quiet([0xb0, 0xff, 0xe6, 0x21, 0xfb, 0xf4]); // mov al, 0xff; out 0x21, al (mask all); sti; hlt
    expect(masked.end).to.deep.equal({ kind: "halted", reason: "hlt with the timer interrupt (IRQ0) masked" });
    const stopped = quiet([0xb0, 0x30, 0xe6, 0x43, 0xfb, 0xf4]); // PIT channel 0 to mode 0 with no count: no timer
    expect(stopped.end).to.deep.equal({ kind: "halted", reason: "hlt with interrupts enabled but no timer armed" });
  });
  it("leaves the BIOS data area with COM1's port base, as a PC BIOS does", () => {
    const r = bootMultiboot({ elf: flatKernel([0xa1, 0x00, 0x04, 0x00, 0x00, 0xe7, 0xf4]), elfPath: "flat", stdout: () => undefined }); // mov eax, [0x400]; out 0xf4, eax
    expect(r.end).to.deep.equal({ kind: "debugExit", status: (0x3f8 << 1) | 1 });
  });
  it("lands a timer interrupt on the exact cycle of its deadline, even when armed mid-slice", () => {
    const count = 5000;
    const r = bootMultiboot({ elf: flatTimerKernel(count), elfPath: "flat", stdout: () => undefined });
    expect(r.end).to.deep.equal({ kind: "debugExit", status: 11 });
    // Loaded at cycle 8 (80 ns: PIT tick 0); OUT rises at tick `count`; one cycle is 10 ns at 100 MHz.
    const deadlineNs = (BigInt(count) * 1_000_000_000n + 1_193_181n) / 1_193_182n;
    const deadlineCycle = Number((deadlineNs + 9n) / 10n);
    expect(r.cycles).to.equal(deadlineCycle + 2); // then the handler's mov and out
    expect(r.instructions).to.equal(r.cycles);
  });
  it("enters the kernel per the Multiboot spec with memory sizes and the command line", () => {
    const r = boot("");
    expect(r.out).to.equal(`boot-test: magic=2badb002\nmem_lower=639 mem_upper=64384\nargs=\ndone\n`);
    expect(r.result.end).to.deep.equal({ kind: "debugExit", status: 0x21 });
  });
  it("sizes RAM from memoryBytes", () => {
    expect(boot("", { memoryBytes: 512 * 1048576 }).out).to.contain("mem_upper=523136");
  });
  it("ends with (v << 1) | 1 when the guest writes v to isa-debug-exit", () => {
    const r = boot("exit 5");
    expect(r.out).to.contain("args=exit 5\n");
    expect(r.result.end).to.deep.equal({ kind: "debugExit", status: 11 });
  });
  it("hands over the memory map and its own loader name", () => {
    const r = boot("mmap");
    expect(r.out).to.contain("mmap 00100000 03ee0000 1\nmmap 03fe0000 00020000 2\n");
    expect(r.out).to.contain("loader=apexvisor\n");
  });
  it("loads modules page-aligned after the kernel with their strings", () => {
    const mod = (text: string, s: string): { data: Uint8Array; string: string } => ({ data: new TextEncoder().encode(text), string: s });
    const r = boot("mods", { modules: [mod("module one data", "/tmp/m1.bin arg1 arg2"), mod("x".repeat(5000), "/tmp/m2.bin")] });
    expect(r.out).to.contain('mods=2\nmodule "/tmp/m1.bin arg1 arg2" bytes=15 page_aligned=1 hash=0ed3f458\nmodule "/tmp/m2.bin" bytes=5000 page_aligned=1 hash=4f2bfc00\n');
  });
  it("feeds stdin to the COM1 receiver", () => {
    expect(boot("echo", { stdin: new TextEncoder().encode("hello there\nmore") }).out).to.contain("echo:HELLO THERE\n");
  });
  it("delivers PIT interrupts through the PIC on virtual time", () => {
    const r = boot("timer");
    expect(r.out).to.contain("ticks=10\ndone\n");
    expect(r.result.end.kind).to.equal("debugExit");
    // 10 periods of 1193 PIT ticks at the default 100 MHz: at least 10 ms of cycles.
    expect(r.result.cycles).to.be.at.least(1_000_000);
  });
  it("sends port 0xE9 bytes to the debug console when one is given", () => {
    expect(boot("e9").e9).to.equal("via port e9\n");
  });
  it("reports cli; hlt, a triple fault and the instruction limit", () => {
    const h = boot("hlt");
    expect(h.result.end.kind).to.equal("halted");
    expect(h.out).to.contain("halting\n");
    const t = boot("triple");
    expect(t.result.end.kind).to.equal("tripleFault");
    const s = boot("spin", { maxInstructions: 100_000 });
    expect(s.result.end).to.deep.equal({ kind: "instructionLimit" });
    expect(s.result.instructions).to.equal(100_000);
  });
  it("refuses a file that is not a Multiboot kernel with a load error", () => {
    const r = bootMultiboot({ elf: new TextEncoder().encode("not a kernel"), elfPath: "x", stdout: () => undefined });
    expect(r.end.kind).to.equal("loadError");
    expect(r.instructions).to.equal(0);
  });
  it("is deterministic: the same kernel gives the same output, instructions and cycles", () => {
    const a = boot("timer");
    const b = boot("timer");
    expect([b.out, b.result]).to.deep.equal([a.out, a.result]);
  });
});
