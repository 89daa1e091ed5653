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

describe("kernel/machine/pc-boot", () => {
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
