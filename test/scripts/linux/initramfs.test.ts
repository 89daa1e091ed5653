import { expect } from "chai";
import { gunzipSync } from "zlib";
import { writeCpioNewc } from "../../../scripts/linux/cpio-newc";
import { buildInitramfs, INIT_BANNER } from "../../../scripts/linux/initramfs";

/** Reads a newc archive back: [name, mode, data, rdevmajor, rdevminor] per member, checking magic and 4-byte alignment. */
function readNewc(a: Uint8Array): [string, number, string, number, number][] {
  const dec = new TextDecoder();
  const out: [string, number, string, number, number][] = [];
  let at = 0;
  for (;;) {
    expect(at % 4).to.equal(0);
    const h = dec.decode(a.subarray(at, at + 110));
    expect(h.slice(0, 6)).to.equal("070701");
    const f = (i: number): number => parseInt(h.slice(6 + 8 * i, 14 + 8 * i), 16);
    const nameSize = f(11), fileSize = f(6);
    const name = dec.decode(a.subarray(at + 110, at + 110 + nameSize - 1));
    expect(a[at + 110 + nameSize - 1]).to.equal(0);
    at += Math.ceil((110 + nameSize) / 4) * 4;
    const data = dec.decode(a.subarray(at, at + fileSize));
    at += Math.ceil(fileSize / 4) * 4;
    if (name === "TRAILER!!!") break;
    out.push([name, f(1), data, f(9), f(10)]);
  }
  expect(at).to.equal(a.length);
  return out;
}

describe("scripts/linux/initramfs", () => {
  it("writes newc members the kernel can unpack: files, directories, symlinks, device nodes, then the trailer", () => {
    const a = writeCpioNewc([
      { kind: "dir", path: "bin" },
      { kind: "file", path: "bin/hello", data: new TextEncoder().encode("hi!"), mode: 0o755 },
      { kind: "symlink", path: "bin/sh", target: "hello" },
      { kind: "chardev", path: "dev/console", major: 5, minor: 1 },
    ]);
    expect(readNewc(a)).to.deep.equal([
      ["bin", 0o040755, "", 0, 0],
      ["bin/hello", 0o100755, "hi!", 0, 0],
      ["bin/sh", 0o120777, "hello", 0, 0],
      ["dev/console", 0o020600, "", 5, 1],
    ]);
    expect(() => writeCpioNewc([{ kind: "dir", path: "/abs" }])).to.throw(/relative/);
  });

  it("builds the same gzip bytes from the same busybox, with /init, /dev/console and busybox as /bin/sh", () => {
    const fake = new TextEncoder().encode("not really busybox");
    const a = buildInitramfs(fake);
    expect(buildInitramfs(fake)).to.deep.equal(a);
    const members = readNewc(new Uint8Array(gunzipSync(a)));
    const byName = new Map(members.map((m) => [m[0], m]));
    expect(byName.get("init")?.[1]).to.equal(0o100755);
    expect(byName.get("init")?.[2]).to.contain(INIT_BANNER).and.contain("uname -a").and.contain("mount -t proc");
    expect(byName.get("bin/busybox")?.[2]).to.equal("not really busybox");
    expect(byName.get("bin/sh")?.[2]).to.equal("busybox");
    expect(byName.get("dev/console")?.slice(3)).to.deep.equal([5, 1]);
  });
});
