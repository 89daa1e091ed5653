// Integration: the kernel cores accept every example module that the config reader validates.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "../../../kernel/config/load";
import { compileHmTables } from "../../../kernel/health/hm-decision";
import { nanos } from "../../../kernel/mem/types";
import { PortRouter } from "../../../kernel/ports/port-router";
import { buildScheduleSet, decideModule, initialScheduleState } from "../../../kernel/sched/module-schedules";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

function examplesDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("no package.json above the test");
    dir = up;
  }
  return path.join(dir, "partitions", "examples");
}

const dir = examplesDir();
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).sort() : [];

describe("kernel cores on the example modules", () => {
  it("finds example modules", () => expect(files.length).to.be.greaterThan(0));
  for (const file of files) {
    it(`${file}: schedules, ports and HM tables build; one frame gives each partition its windows`, () => {
      const result = loadConfig(path.join(dir, file), NODE_FILES);
      if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
      const config = result.config;
      const set = buildScheduleSet(config.schedules);
      PortRouter.fromConfig(config);
      compileHmTables(config);
      const state = initialScheduleState(set);
      const schedule = set.byId.get(state.currentId);
      if (schedule === undefined) throw new Error("no initial schedule");
      const given = new Map<number, bigint>();
      let t = 0n;
      while (t < schedule.majorFrame) {
        const d = decideModule(set, state, nanos(t)).decision;
        if (d.until <= t) throw new Error(`no progress at ${t}`);
        if (d.partition !== undefined) given.set(d.partition, (given.get(d.partition) ?? 0n) + (d.until - t));
        t = d.until;
      }
      const expected = new Map<number, bigint>();
      for (const w of schedule.config.windows) expected.set(w.partition, (expected.get(w.partition) ?? 0n) + w.duration);
      expect(given).to.deep.equal(expected);
    });
  }
});
