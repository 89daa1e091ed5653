import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { decodeUtf8 } from "../../../kernel/config/utf8";
import { MAX_XML_DEPTH, MAX_XML_ELEMENTS, parseXmlTree } from "../../../kernel/config/xml-tree";
import { INPUT_LIMITS, InputTooLarge, readLimited } from "../../../kernel/host/node/read-limited";
import { repoRoot } from "./repo-root";
import { scratchDir } from "../../support/scratch-dir";

const root = repoRoot();
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bounded inputs (kernel/host/read-limited, XML limits)", () => {
  const dir = scratchDir("apexvisor-limits-");

  it("refuses /dev/zero instead of reading it forever", () => {
    expect(() => readLimited("/dev/zero", 1 << 20)).to.throw(InputTooLarge);
    const r = cli("validate", "/dev/zero");
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`larger than the ${INPUT_LIMITS.xml / 1048576} MiB limit`);
    const b = cli("boot", "--kernel", "/dev/zero");
    expect(b.status).to.equal(4);
    expect(b.stderr).to.contain("larger than the");
  });

  it("stops at the depth limit at once, whatever the nesting (no quadratic cost)", () => {
    const deep = "<a>".repeat(100_000) + "</a>".repeat(100_000);
    const r = parseXmlTree(deep, "deep.xml");
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.errors[0]!.message).to.equal(`elements are nested more than ${MAX_XML_DEPTH} deep`);
  });

  it("stops at the element-count limit", () => {
    const wide = `<a>${"<b/>".repeat(MAX_XML_ELEMENTS + 1)}</a>`;
    const r = parseXmlTree(wide, "wide.xml");
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.errors[0]!.message).to.contain(`more than ${MAX_XML_ELEMENTS} elements`);
  });

  it("reports invalid UTF-8 with its position instead of replacing it", () => {
    const bytes = Buffer.concat([Buffer.from("<a>\n  é"), Buffer.from([0xc3, 0x28]), Buffer.from("</a>")]);
    const d = decodeUtf8(bytes);
    expect(d).to.deep.equal({ ok: false, line: 2, column: 4, byte: 0xc3 });
    const f = path.join(dir, "bad.xml");
    writeFileSync(f, bytes);
    const r = cli("validate", f);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`${f}:2:4: error: the file is not valid UTF-8 (byte 0xc3)`);
  });

  it("validate refuses an image that is a directory or not an ELF file", () => {
    const demo = path.join(root, "partitions", "demo", "module.xml");
    const xml = require("node:fs").readFileSync(demo, "utf8") as string;
    const m = /Image="([^"]+)"/.exec(xml);
    expect(m).to.not.equal(null);
    for (const [name, image] of [["dir.xml", "/tmp"], ["passwd.xml", "/etc/passwd"]] as const) {
      const f = path.join(path.dirname(demo), `.limits-${name}`);
      writeFileSync(f, xml.replace(m![0], `Image="${image}"`));
      try {
        const r = cli("validate", f);
        expect(r.status, r.stdout).to.equal(1);
        expect(r.stderr).to.match(image === "/tmp" ? /guest image \/tmp: it is a directory/ : /guest image \/etc\/passwd: it is not an i386 ELF32 file/);
      } finally {
        require("node:fs").rmSync(f);
      }
    }
  });
});
