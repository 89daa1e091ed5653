// readOnlyRanges: which RAM bytes the private regions' Access makes read-only (regions in XML order).
import { expect } from "chai";
import type { MemoryRegionConfig, PartitionConfig } from "../../../kernel/config/model";
import { partitionRamBytes, readOnlyRanges } from "../../../kernel/module/partition-memory";

const pos = { file: "t.xml", line: 1, column: 1 };
const region = (name: string, sizeBytes: number, access: MemoryRegionConfig["access"], shared?: string): MemoryRegionConfig => ({
  name,
  type: "DATA",
  sizeBytes,
  physicalAddress: undefined,
  access,
  shared,
  pos,
});
const partition = (memory: MemoryRegionConfig[]): PartitionConfig => ({ memory, guest: { kind: "PV" } }) as unknown as PartitionConfig;

describe("module/partition-memory: region Access as RAM ranges", () => {
  it("lays private regions out in order and skips shared ones", () => {
    const p = partition([region("code", 0x100000, "READ_ONLY"), region("blk", 0x1000, "READ_ONLY", "blk"), region("rom", 0x10000, "READ_ONLY"), region("data", 0x2f0000, "READ_WRITE")]);
    expect(partitionRamBytes(p)).to.equal(0x400000);
    expect(readOnlyRanges(p)).to.deep.equal([
      { start: 0, end: 0x100000, name: "code" },
      { start: 0x100000, end: 0x110000, name: "rom" },
    ]);
  });
  it("has none when every region is READ_WRITE", () => {
    expect(readOnlyRanges(partition([region("ram", 0x400000, "READ_WRITE")]))).to.deep.equal([]);
  });
});
