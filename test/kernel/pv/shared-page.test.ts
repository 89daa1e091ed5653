// The shared page's time publication: the exit path's direct word writes leave the page exactly as the
// checked path (decoded code on the page) and the BigInt setTime do, seqlock count included.
import { expect } from "chai";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, nanos } from "../../../kernel/mem/types";
import { SharedPage } from "../../../kernel/pv/shared-page";
import { SHARED_PAGE_LAYOUT } from "../../../kernel/hypercall/generated/abi-layout";

const BASE = 0x3000;

function page(code: boolean): { mem: PhysicalMemory; shared: SharedPage } {
  const mem = new PhysicalMemory(0x8000);
  const shared = new SharedPage(mem, BASE);
  shared.init(0, nanos(0), nanos(0));
  // Decoded code on the page sends every word through PhysicalMemory's own path.
  if (code) mem.markCode(BASE + 0x800, 4);
  return { mem, shared };
}

function bytes(mem: PhysicalMemory): number[] {
  return Array.from(mem.readBytes(guestPhys(BASE), SHARED_PAGE_LAYOUT.size));
}

describe("kernel/pv/shared-page", () => {
  it("publishes time the same way through the direct words, the checked words and the BigInt path", () => {
    const steps: [number, number][] = [
      [1000, 5000],
      [1000, 5000], // unchanged: no publication
      [2010, 5000],
      [2 ** 31 + 5, 2 ** 31 + 9], // low words with the sign bit set (the direct view is signed)
      [2 ** 31 + 5, 2 ** 31 + 9], // unchanged again, compared as signed words
      [2 ** 32 + 7, 2 ** 33], // the high words move
      [2 ** 33 + 2 ** 31 + 1, 2 ** 34 - 1],
      [2 ** 32 + 7, 2 ** 33 + 1], // only the window end moves
      [2 ** 52 + 3, 2 ** 52 + 3],
    ];
    const direct = page(false);
    const checked = page(true);
    const big = page(false);
    for (const [now, end] of steps) {
      direct.shared.setTimeNs(now, end);
      checked.shared.setTimeNs(now, end);
      big.shared.setTime(nanos(now), nanos(end));
      const d = bytes(direct.mem);
      expect(d, `at ${now}/${end}`).to.deep.equal(bytes(checked.mem));
      expect(d, `at ${now}/${end}`).to.deep.equal(bytes(big.mem));
    }
    const seq = direct.mem.read32(guestPhys(BASE + SHARED_PAGE_LAYOUT.fields.time_seq.offset));
    expect(seq, "seven publications of two seqlock steps each (init published nothing)").to.equal(14);
  });
});
