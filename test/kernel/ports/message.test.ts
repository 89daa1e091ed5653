import { expect } from "chai";
import { checkLength, copyMessage } from "../../../kernel/ports/message";

describe("kernel/ports/message", () => {
  const rows: readonly [length: number, max: number, outcome: string | undefined][] = [
    [1, 8, undefined],
    [8, 8, undefined],
    [9, 8, "tooLarge"],
    [0, 8, "badParam"],
    [-1, 8, "badParam"],
    [1.5, 8, "badParam"],
  ];
  for (const [length, max, outcome] of rows) {
    it(`length ${length} with max ${max} -> ${outcome ?? "accepted"}`, () => expect(checkLength(length, max)).to.equal(outcome));
  }

  it("copies instead of aliasing", () => {
    const guest = new Uint8Array([1, 2, 3]);
    const kernel = copyMessage(guest);
    guest[0] = 9;
    expect([...kernel]).to.deep.equal([1, 2, 3]);
    expect(kernel.buffer).to.not.equal(guest.buffer);
  });
});
