// The snapshot's record of written pages (PhysicalMemory.startSnapshotLog) next to the VM tree's dirty
// bitmaps, which take the same log: an incremental save after a restore must still see every page
// written since the restore, whatever the tree took or switched off meanwhile.
import { expect } from "chai";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

const page = (n: number): ReturnType<typeof guestPhys> => guestPhys(n * 4096);

describe("kernel/mem: the snapshot log beside the VM tree's dirty log", () => {
  it("pages the tree takes, and pages written after the tree stops logging, stay in the snapshot's record", () => {
    const mem = new PhysicalMemory(0x10000);
    expect(mem.snapshotDirtyPages()).to.equal(null);
    mem.write8(page(1), 1); // before the restore: not the snapshot's business
    mem.startSnapshotLog();
    mem.write8(page(3), 1);
    expect(mem.takeDirtyPages(), "the tree's take").to.deep.equal([3]);
    mem.write8(page(5), 1);
    expect(mem.snapshotDirtyPages()).to.deep.equal([3, 5]);
    mem.stopDirtyLog(); // the tree switches its last slot off
    mem.write8(page(7), 1);
    expect(mem.snapshotDirtyPages(), "still logging for the snapshot").to.deep.equal([3, 5, 7]);
    expect(mem.snapshotDirtyPages(), "reading does not reset").to.deep.equal([3, 5, 7]);
    mem.startSnapshotLog(); // the next restore starts afresh
    expect(mem.snapshotDirtyPages()).to.deep.equal([]);
  });

  it("without a snapshot log, stopping forgets the log as before", () => {
    const mem = new PhysicalMemory(0x10000);
    mem.startDirtyLog();
    mem.write8(page(2), 1);
    mem.stopDirtyLog();
    expect(mem.dirtyLogEnabled).to.equal(false);
    expect(mem.takeDirtyPages()).to.deep.equal([]);
  });
});
