// bench:exits runs end to end on tiny counts (so the committed script cannot rot) and its table carries
// the exact guest instruction counts behind the call figures. Host times are not checked. Skips without
// an i386 toolchain.
import { expect } from "chai";
import { resolve } from "path";
import { formatExitCosts, measureExitCosts } from "../../../kernel/bench/exit-costs";
import type { CallImage } from "../../../kernel/bench/pv-run";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";
import { libpvBytes } from "../../support/pv-module";

const ROOT = resolve(__dirname, "..", "..", "..", "..");

function image(name: string, jumpTable: boolean): CallImage {
  const bytes = buildGuest("partitions/bench/guest.json", name, "O2");
  const libpv = libpvBytes();
  if (bytes === null || libpv === null) throw new Error("no toolchain");
  return { bytes, path: `${name}.elf`, jumpTable, libpv };
}

describe("kernel/bench/exit-costs", function () {
  this.timeout(120_000);
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("measures every figure of the table on tiny counts, with the exact per-call instruction counts", () => {
    const images = { trap: image("callpaths-trap", false), jmptab: image("callpaths-jmptab", true), linked: image("callpaths-linked", false) };
    const plan = { runs: 1, calls: 20, portAccesses: 1000, switches: 100, kloopCommandLine: "iters=20" };
    const rows = measureExitCosts(ROOT, images, plan, () => undefined);
    expect(rows.map((r) => r.unit)).to.deep.equal(["ns", "ns", "ns", "x", "ns", "ns", "ns", "MIPS"]);
    expect(rows[0]!.note).to.equal("2 guest instructions per call");
    // The direct call and the jump-table later call run the same pv_time_get body: the binding is one jmp.
    expect(rows[1]!.note).to.equal("15 guest instructions per call");
    expect(rows[2]!.note).to.equal("16 guest instructions per call");
    expect(rows.every((r) => Number.isFinite(r.median))).to.equal(true);
    const table = formatExitCosts(rows).split("\n");
    expect(table[0]).to.match(/^figure +median +min-max +unit +target +counts$/);
    expect(table.filter((l) => l.startsWith("partition switch")).length).to.equal(2);
  });
});
