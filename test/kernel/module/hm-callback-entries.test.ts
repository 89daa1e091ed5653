// The rule PV and FV partitions share for where an HM callback starts: an ELF symbol in an executable segment.
import { expect } from "chai";
import type { ElfSegment } from "../../../kernel/loader/elf32";
import { guestPhys, guestVirt, partitionId } from "../../../kernel/mem/types";
import { hmCallbackEntries } from "../../../kernel/module/hm-callback-entries";

const TEXT: ElfSegment = { vaddr: guestVirt(0x400000), paddr: guestPhys(0x400000), fileOffset: 0x1000, fileSize: 0x1000, memSize: 0x1000, flags: 5 };
const DATA: ElfSegment = { vaddr: guestVirt(0x401000), paddr: guestPhys(0x401000), fileOffset: 0x2000, fileSize: 0x100, memSize: 0x1000, flags: 6 };
const SYMBOLS = new Map([["on_partition_error", 0x400100], ["on_module_error", 0x400200], ["a_table", 0x401010]]);

function config(callback: string | undefined, moduleCallback?: string) {
  return { partitionHm: [{ partition: partitionId(1), callback, entries: [] }], ...(moduleCallback !== undefined ? { moduleCallback } : {}) };
}

describe("kernel/module/hm-callback-entries", () => {
  const me = { id: 1, systemPartition: true };

  it("finds both callbacks in an executable segment", () => {
    expect(hmCallbackEntries(config("on_partition_error", "on_module_error"), me, SYMBOLS, [TEXT, DATA])).to.deep.equal({ partition: 0x400100, module: 0x400200 });
  });

  it("names none when the XML names none, and no ModuleCallback outside a system partition", () => {
    expect(hmCallbackEntries(config(undefined), me, SYMBOLS, [TEXT])).to.deep.equal({});
    expect(hmCallbackEntries(config(undefined, "on_module_error"), { id: 1, systemPartition: false }, SYMBOLS, [TEXT])).to.deep.equal({});
  });

  it("refuses a PartitionCallback that is not a symbol or not in an executable segment", () => {
    expect(hmCallbackEntries(config("missing"), me, SYMBOLS, [TEXT])).to.match(/PartitionCallback "missing" is not a symbol of the image/);
    expect(hmCallbackEntries(config("a_table"), me, SYMBOLS, [TEXT, DATA])).to.match(/PartitionCallback "a_table" at 0x401010 is not in an executable segment/);
  });

  it("leaves a ModuleCallback another system partition may define, but refuses one in data", () => {
    expect(hmCallbackEntries(config(undefined, "elsewhere"), me, SYMBOLS, [TEXT])).to.deep.equal({});
    expect(hmCallbackEntries(config(undefined, "a_table"), me, SYMBOLS, [TEXT, DATA])).to.match(/ModuleCallback "a_table" at 0x401010 is not in an executable segment/);
  });
});
