// The kernel's own SHA-256 against FIPS 180-4's examples and against Node's crypto on many lengths and splits.
import { expect } from "chai";
import { createHash } from "crypto";
import { Sha256, sha256Hex } from "../../../kernel/snapshot/sha256";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("kernel/snapshot/sha256", () => {
  it("gives the FIPS 180-4 example digests", () => {
    expect(sha256Hex(enc(""))).to.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(enc("abc"))).to.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(enc("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).to.equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });

  it("agrees with Node's crypto for every length around the padding edges, fed in uneven parts", () => {
    let seed = 12345;
    const data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let n = 0; n <= data.length; n++) {
      const m = data.subarray(0, n);
      const h = new Sha256();
      for (let i = 0; i < n; i += 1 + (i % 70)) h.update(m.subarray(i, Math.min(n, i + 1 + (i % 70))));
      expect(h.hex(), `length ${n}`).to.equal(createHash("sha256").update(m).digest("hex"));
    }
  });
});
