// `apexvisor snapshot info`: every note kind is counted and every field of every note is printed (checked
// against the content itself, key by key), the HM callback state of a module saved while a callback runs
// is spelled out, and --json gives the notes whole.
import { expect } from "chai";
import { join } from "path";
import { nanos } from "../../../kernel/mem/types";
import { snapshotInfoJson, snapshotInfoLines } from "../../../kernel/snapshot/snapshot-info";
import { REPO_ROOT } from "../machine/boot-test-image";
import { inProcess } from "./continuation-support";

describe("kernel/snapshot: snapshot info", function () {
  this.timeout(300_000);

  it("hm_callback.xml saved while its PartitionCallback runs: every note and field listed, the held decision and interrupted context shown", () => {
    const file = join(REPO_ROOT, "partitions", "rtos-tests", "hm_callback.xml");
    const full = inProcess(file, { kind: "duration", value: nanos(60_000_000n) });
    const at = (re: RegExp): bigint => BigInt(/^-- (\d+):/.exec(full.lines.find((l) => l.startsWith("-- ") && re.test(l)) ?? "")?.[1] ?? "-1");
    const k = (at(/PartitionCallback runs before/) + at(/PartitionCallback returned/)) / 2n;
    const s = inProcess(file, { kind: "duration", value: nanos(k) }, undefined, true).snapshot;
    if (s === undefined) throw new Error("no snapshot");
    const lines = snapshotInfoLines("f.core", s);
    const text = lines.join("\n");
    const devices = s.machines.reduce((n, m) => n + m.devices.length, 0);
    expect(lines[1]).to.equal(`notes: header 1, NT_PRSTATUS ${s.machines.length}, machine ${s.machines.length}, cpu ${s.machines.length}, device ${devices}, kernel 1`);
    expect(text).to.match(/HM callback: running, 1 decisions held until it returns\n {6}\{"level":/);
    expect(text).to.match(/\n {4}callback: \{"regs":\[/); // the interrupted context, in the PV machine's run loop fields
    // Every field of every machine's run loop note and of every device's state has its own line.
    for (const m of s.machines) {
      for (const key of Object.keys(m.extra as object)) expect(text, `${m.name} extra.${key}`).to.contain(`\n    ${key}: `);
      for (const d of m.devices) for (const key of Object.keys(d.state as object)) expect(text, `${m.name}/${d.unit}.${key}`).to.contain(`\n    ${key}: `);
    }
    // Every kernel field is named (the first three on the kernel line).
    for (const key of Object.keys(s.kernel as object)) {
      const shown = { now: "kernel: time", slotHint: "slot hint", shutdown: "shutdown", partitions: "partition 1:", hmLog: "HM log:", moduleWaiting: "module HM callback:" }[key] ?? `\n  ${key}:`;
      expect(text, `kernel.${key}`).to.contain(shown);
    }
    const json = JSON.parse(JSON.stringify(snapshotInfoJson(s))) as { kernel: unknown; machines: { extra: unknown }[] };
    expect(json.kernel).to.deep.equal(s.kernel);
    expect(json.machines.map((m) => m.extra)).to.deep.equal(s.machines.map((m) => m.extra));
  });
});
