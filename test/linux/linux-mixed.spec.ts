// partitions/linux-mixed with Debian's kernel: Linux boots in its FV partition beside the two RTOS partitions,
// its /init starts the relay, which reads thermo's samples through /dev/port and the sampling_ports device and
// writes them converted for panel. Checks both directions. Not part of `npm test` (the boot is billions of guest
// instructions, many minutes of host time): `npm run test:linux`. Skips with a message when build/linux/ has
// not been fetched; builds the module's initramfs from the cached busybox and the relay when it is missing.
import { expect } from "chai";
import { existsSync } from "fs";
import { join, resolve } from "path";
import { NODE_HOST } from "../../kernel/host/node/node-files";
import { nanos } from "../../kernel/mem/types";
import { defaultBuilders } from "../../kernel/module/default-builders";
import { runModule } from "../../kernel/module/run-module";
import { NULL_SINK } from "../../kernel/trace/tracer";
import { linuxCacheFiles } from "../../scripts/linux/cache";
import { MIXED_INIT_BANNER, mixedInitrdPath, writeMixedInitramfs } from "../../scripts/linux/mixed-initramfs";

const ROOT = resolve(__dirname, "..", "..", "..");
const XML = join(ROOT, "partitions", "linux-mixed", "module.xml");
/** Module time to run: the boot takes most of it; the relay's five samples need half a second after /init. */
const DURATION_S = 150n;

describe("partitions/linux-mixed: Debian Linux relays sampling messages between two RTOS partitions", function () {
  this.timeout(4 * 3600 * 1000);
  it("thermo -> Linux relay (/dev/port) -> panel, five samples converted, then Linux powers off", function () {
    const files = linuxCacheFiles(ROOT);
    if (!existsSync(files.kernel686) || !existsSync(files.busybox)) {
      console.log(`    skipped: ${files.kernel686} or ${files.busybox} missing; run \`npm run fetch:linux\` (needs apt and Debian's i386 archive)`);
      this.skip();
    }
    if (!existsSync(mixedInitrdPath(ROOT))) {
      const w = writeMixedInitramfs(ROOT);
      if (!w.ok) throw new Error(w.reason);
    }
    const lines: string[] = [];
    const out = runModule({
      file: XML,
      length: { kind: "duration", value: nanos(DURATION_S * 1_000_000_000n) },
      host: NODE_HOST,
      builders: (c) => defaultBuilders(c, NODE_HOST),
      trace: NULL_SINK,
      onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
      onNotice: (_t, text) => lines.push(`-- ${text}`),
    });
    if (out.kind !== "ran") throw new Error(`${out.kind}: ${JSON.stringify(out).slice(0, 400)}`);
    const text = lines.join("\n");
    expect(text).to.contain(`[linux] ${MIXED_INIT_BANNER}`);
    expect(text).to.match(/\[linux\] relay: 2 sampling ports; CELSIUS_IN is #0, FAHRENHEIT_OUT is #1/);
    // Linux read what thermo wrote (seq, Celsius) and panel received Linux's conversion of the same seq.
    const relayed = [...text.matchAll(/\[linux\] relay: "seq=(\d+) celsius=(-?\d+\.\d)" -> "seq=\1 fahrenheit=(-?\d+\.\d)" rc=0/g)];
    expect(relayed).to.have.length(5);
    for (const [, seq = "", c = "", f = ""] of relayed) {
      const c10 = Math.round(Number(c) * 10);
      const n = Number(seq);
      expect(c10).to.equal(((n * 37) % 400) - 100); // thermo's formula
      expect(Math.round(Number(f) * 10)).to.equal(Math.trunc((c10 * 9) / 5) + 320);
      expect(text).to.match(new RegExp(`\\[panel\\] \\[ *[0-9.]+ ms\\] panel: received "seq=${seq} fahrenheit=${f.replace(".", "\\.")}" VALID`));
    }
    expect(text).to.contain("[linux] relay: done, 5 samples relayed");
    expect(text).to.contain("partition linux stopped itself (debug-exit status 1)");
    expect(text).to.not.match(/Oops|Kernel panic|BUG:|general protection fault/);
    expect(out.result.hmLog.length).to.equal(0);
  });
});
