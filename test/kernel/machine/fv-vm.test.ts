import { expect } from "chai";
import { writeFileSync } from "fs";
import { join } from "path";
import { NODE_FILES } from "../../../kernel/host/node/node-files";
import { createFvVm, type FvVm } from "../../../kernel/machine/fv-vm";
import { nanos } from "../../../kernel/mem/types";
import { PartitionLoadError } from "../../../kernel/module/load-error";
import type { VmSlice } from "../../../kernel/module/partition-vm";
import { scratchDir } from "../../support/scratch-dir";
import { fvPartition, fvTestImage, fvTestVm } from "./fv-test-image";

/** 1 ms at the 100 MHz test clock. */
const MS = 100_000;

/** Runs like the module runner: each slice starts at the time the last one reached; "halt" idles to the budget's end. */
function runWindows(vm: FvVm, windows: readonly { start: bigint; cycles: number }[]): VmSlice[] {
  const slices: VmSlice[] = [];
  for (const w of windows) {
    let used = 0;
    while (used < w.cycles) {
      const s = vm.run(w.cycles - used, nanos(w.start + BigInt(used) * 10n));
      slices.push(s);
      used += s.cycles;
      if (s.exit.kind !== "budget") break;
    }
  }
  return slices;
}

describe("machine/fv-vm", function () {
  this.timeout(20_000);

  it("boots the FV test kernel: COM1, Multiboot info, CMOS sizes, MP tables, RTC, CGA, PIT ticks, port 0xE9, debug-exit", () => {
    const { vm, out } = fvTestVm("ticks=3");
    const s = vm.run(100 * MS, nanos(0));
    expect(s.exit).to.deep.equal({ kind: "stop", reason: "debug-exit status 1" });
    const text = out();
    expect(text).to.contain("fv-test: magic 0x2badb002");
    expect(text).to.contain("cmdline: fv-test.elf ticks=3\n");
    expect(text).to.contain("mem: lower 639 KiB upper 64384 KiB\n");
    expect(text).to.contain("cmos: base 639 KiB ext 64512 KiB\n");
    expect(text).to.contain("mp: floating 0x9fc10 table 0x9fc20 cpus=1 ioapics=1 at 0xfec00000 isa-ints=15 lapic 0xfee00000\n");
    expect(text).to.contain("rtc start: 2026-01-01 00:00:00\n");
    expect(text).to.contain("tick 1\ntick 2\ntick 3\n");
    expect(text).to.contain("unmapped port 0xff\nE9\n");
    expect(vm.pc.bus.unmappedReads).to.equal(1);
    expect(vm.pc.cga!.dumpText().split("\n")[0]).to.equal("FV CGA OK");
  });

  it("delivers the local APIC timer and the PIT through the I/O APIC, PICs masked", () => {
    const { vm, out } = fvTestVm("apic=25");
    const s = vm.run(100 * MS, nanos(0));
    expect(s.exit.kind).to.equal("stop");
    // 25 APIC periods of 1 ms; the 10 ms PIT ticked twice meanwhile.
    expect(out()).to.contain("apic ticks=25 ioapic pit ticks=2\n");
    expect(s.cycles).to.be.within(25 * MS, 26 * MS);
  });

  it("fast-forwards a HLT to the next timer inside the budget and counts the idle cycles", () => {
    const { vm } = fvTestVm("ticks=5");
    const s = vm.run(100 * MS, nanos(0));
    expect(s.exit.kind).to.equal("stop");
    // Five 1 ms PIT periods, almost all of it halted: the slice accounts for the time, not just instructions.
    expect(s.cycles).to.be.within(4 * MS, 6 * MS);
    expect(vm.pc.cpu.instructions).to.be.below(s.cycles / 4);
  });

  it("ends a slice with halt when nothing can wake the guest before the budget ends", () => {
    const { vm } = fvTestVm("ticks=10");
    const s = vm.run(MS / 2, nanos(0));
    expect(s.exit.kind).to.equal("halt");
    expect(s.cycles).to.be.below(MS / 2);
  });

  it("runs on module time across windows: missed PIT periods coalesce into one interrupt, the RTC shows the gap", () => {
    const { vm, out } = fvTestVm("ticks=10");
    const [first] = runWindows(vm, [{ start: 0n, cycles: 5 * MS }]);
    expect(first?.exit.kind).to.equal("halt");
    const before = out().match(/tick \d+\n/g) ?? [];
    expect(before.length).to.equal(4);
    // 2.5 s later: about 2500 PIT periods passed while the partition did not run.
    const second = runWindows(vm, [{ start: 2_500_000_000n, cycles: 10 * MS }]);
    const last = second[second.length - 1];
    expect(last?.exit).to.deep.equal({ kind: "stop", reason: "debug-exit status 1" });
    const used = second.reduce((n, s) => n + s.cycles, 0);
    // One interrupt for the whole gap (tick 5 at once), then ticks 6..10 one period apart: 4 to 5 ms.
    // Delivering every missed period would have ended the run almost at once.
    expect(used).to.be.within(4 * MS, 5 * MS + MS / 5);
    expect(out()).to.contain("tick 5\ntick 6\n");
    expect(out()).to.contain("rtc end: 2026-01-01 00:00:02\n");
  });

  it("is deterministic: two runs give the same output and cycles", () => {
    const go = (): { text: string; cycles: number[] } => {
      const { vm, out } = fvTestVm("ticks=4");
      const slices = runWindows(vm, [
        { start: 0n, cycles: 2 * MS },
        { start: 30_000_000n, cycles: 2 * MS },
        { start: 60_000_000n, cycles: 20 * MS },
      ]);
      return { text: out(), cycles: slices.map((s) => s.cycles) };
    };
    expect(go()).to.deep.equal(go());
  });

  it("turns a triple fault into an exit and boots again after restart", () => {
    const { vm, out } = fvTestVm("triple");
    const s = vm.run(10 * MS, nanos(0));
    expect(s.exit).to.deep.equal({ kind: "tripleFault" });
    expect(vm.instructionBytes().length).to.be.greaterThan(0);
    vm.restart("COLD_START");
    const again = vm.run(10 * MS, nanos(1_000_000));
    expect(again.exit).to.deep.equal({ kind: "tripleFault" });
    expect(out().match(/fv-test: magic/g)?.length).to.equal(2);
  });

  it("restart resets devices and RAM: the CGA screen is blank again and the kernel reruns", () => {
    const { vm, out } = fvTestVm("ticks=1");
    expect(vm.run(100 * MS, nanos(0)).exit.kind).to.equal("stop");
    vm.restart("WARM_START");
    expect(vm.pc.cga!.dumpText().trim()).to.equal("");
    expect(vm.run(100 * MS, nanos(200_000_000)).exit.kind).to.equal("stop");
    expect(out().match(/tick 1\n/g)?.length).to.equal(2);
  });

  it("gives the partition its configured RAM, up to 512 MiB", () => {
    const { vm, out } = fvTestVm("ticks=1", 512 * 1024 * 1024);
    expect(vm.run(100 * MS, nanos(0)).exit.kind).to.equal("stop");
    expect(out()).to.contain(`mem: lower 639 KiB upper ${512 * 1024 - 1024 - 128} KiB\n`);
    expect(out()).to.contain("cmos: base 639 KiB ext 65535 KiB\n");
  });

  it("feeds COM1's receiver from stdin, paced like a serial line", () => {
    const input = [...Buffer.from("hi")];
    const vm = createFvVm({
      partition: fvPartition("ticks=1"),
      configDir: ".",
      console: () => undefined,
      clockHz: 100_000_000,
      image: fvTestImage(),
      imagePath: "fv-test.elf",
      input: { interactive: false, poll: () => { const b = input.shift(); return b === undefined ? { kind: "end" } : { kind: "byte", byte: b }; } },
    }) as FvVm;
    vm.run(1, nanos(0));
    expect(input).to.deep.equal(["h".charCodeAt(0), "i".charCodeAt(0)]); // paced: nothing before the line is looked at
    vm.run(5 * MS, nanos(0));
    // The first byte arrives once the guest raised DTR and RTS; this guest then stops for good, so the second waits.
    expect(input).to.deep.equal(["i".charCodeAt(0)]);
  });

  it("rejects an image that is not a Multiboot kernel with PartitionLoadError", () => {
    expect(() => fvTestVm("", undefined, new Uint8Array(64))).to.throw(PartitionLoadError, /fv-test.elf: neither an ELF file nor a Multiboot kernel/);
  });

  it("rejects a partition with less than 2 MiB of RAM with PartitionLoadError", () => {
    expect(() => fvTestVm("", 1024 * 1024)).to.throw(PartitionLoadError, /at least 2 MiB of RAM/);
  });

  it("loads Multiboot modules from the partition's files, and reports a missing one with PartitionLoadError", () => {
    const dir = scratchDir("fv-vm-");
    const mod = join(dir, "mod.bin");
    writeFileSync(mod, "module bytes");
    const make = (modules: string[]): FvVm => {
      const p = fvPartition("ticks=1");
      return createFvVm({ partition: { ...p, guest: { ...p.guest, modules } }, configDir: dir, console: () => undefined, clockHz: 100_000_000, image: fvTestImage(), imagePath: "k", files: NODE_FILES }) as FvVm;
    };
    const vm = make([mod]);
    const info = vm.pc.cpu.ebx;
    const mem = vm.pc.memory;
    expect(mem.read32(info as never) & (1 << 3)).to.not.equal(0);
    expect(mem.read32((info + 20) as never)).to.equal(1);
    const entry = mem.read32((info + 24) as never);
    const start = mem.read32(entry as never);
    expect(Buffer.from(mem.readBytes(start as never, 12)).toString()).to.equal("module bytes");
    expect(() => make([join(dir, "missing.bin")])).to.throw(PartitionLoadError, /cannot read Multiboot module: no such file/);
  });
});
