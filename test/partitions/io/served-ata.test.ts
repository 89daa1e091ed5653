// The ATA controller served by the I/O partition (partitions/ioserver/ata.c) against the same
// register-level table as the in-kernel model (test/support/ata-spec-table.ts), plus what only the
// served placement has: string runs with a repeat count, and a server that cannot reach the disk.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ATA_SPEC_TABLE, patternDisk, runAtaCase } from "../../support/ata-spec-table";
import { servedAta } from "../../support/served-ata";

describe("partitions/ioserver: the ATA controller served by the I/O partition, register level (ATA/ATAPI-6)", function () {
  this.timeout(120_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apx-served-ata-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const c of ATA_SPEC_TABLE) {
    it(c.name, () => {
      expect(runAtaCase(c, servedAta(patternDisk(), tmp).ports)).to.deep.equal([]);
    });
  }
});
