// The definition checker: the committed abi.json and retired.json pass, and each rule (monotonic unique
// ids, no gaps, no reuse of retired ids or names, EFAULT on pointers, five argument words, explicit ARINC
// mapping, aligned layouts) rejects a definition that breaks it.
import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { AbiDefinitionError, parseAbi } from "../../../paravirt-abi/gen/parse";
import { REPO_ROOT } from "../lib/build";

type Json = Record<string, unknown> & { services: Record<string, unknown>[]; structs: { name: string; fields: Record<string, unknown>[] }[] };

function raw(): { abi: Json; retired: { retired: { id: number; name: string }[] } } {
  const read = (f: string): unknown => JSON.parse(readFileSync(join(REPO_ROOT, "paravirt-abi", f), "utf8"));
  return { abi: read("abi.json") as Json, retired: read("retired.json") as { retired: { id: number; name: string }[] } };
}

function problems(abi: unknown, retired: unknown): string[] {
  try {
    parseAbi(abi, retired);
  } catch (e) {
    if (e instanceof AbiDefinitionError) return [...e.problems];
    throw e;
  }
  return [];
}

function svc(abi: Json, name: string): Record<string, unknown> {
  const s = abi.services.find((x) => x["name"] === name);
  if (s === undefined) throw new Error(`no service ${name}`);
  return s;
}

describe("paravirt-abi/gen/parse", () => {
  it("accepts the committed definition: ids unique and monotonic, none retired, no gaps", () => {
    const { abi, retired } = raw();
    const def = parseAbi(abi, retired);
    const ids = def.services.map((s) => s.id);
    expect(new Set(ids).size).to.equal(ids.length);
    ids.forEach((id, i) => i > 0 && expect(id).to.be.greaterThan(ids[i - 1] ?? -1));
    for (const r of def.retired) {
      expect(ids).to.not.include(r.id);
      expect(def.services.map((s) => s.name)).to.not.include(r.name);
    }
    expect(def.services.length).to.be.greaterThan(25);
  });

  it("covers the services the design asks for", () => {
    const { abi, retired } = raw();
    const names = parseAbi(abi, retired).services.map((s) => s.name);
    for (const n of ["abi_version", "console_write", "time_get", "timer_set_periodic", "timer_set_oneshot", "virq_register", "virq_kick", "idle",
      "partition_get_status", "partition_set_mode", "schedule_set_next", "schedule_get_status", "schedule_get_id", "sampling_port_create",
      "sampling_port_write", "sampling_port_read", "queuing_port_send", "queuing_port_receive", "queuing_port_clear", "hm_raise_application_error",
      "hm_report_message", "hm_get_error_status", "window_yield", "null", "resolve"]) {
      expect(names, n).to.include(n);
    }
  });

  it("rejects ids out of order", () => {
    const { abi, retired } = raw();
    svc(abi, "abi_features")["id"] = 0;
    svc(abi, "abi_version")["id"] = 1;
    expect(problems(abi, retired).join("\n")).to.match(/must be greater than .* \(ids are monotonic\)/);
  });

  it("rejects a removed service that was not retired, and accepts it once retired", () => {
    const { abi, retired } = raw();
    abi.services = abi.services.filter((s) => s["name"] !== "null");
    expect(problems(abi, retired).join("\n")).to.contain("id 2 is neither live nor retired");
    retired.retired.push({ id: 2, name: "null" });
    expect(problems(abi, retired)).to.deep.equal([]);
  });

  it("rejects reuse of a retired id or name", () => {
    const { abi, retired } = raw();
    retired.retired.push({ id: 4, name: "console_write" });
    const p = problems(abi, retired).join("\n");
    expect(p).to.contain("id 4 is retired");
    expect(p).to.contain("name console_write is retired");
  });

  it("rejects a pointer argument without EFAULT and more than five argument words", () => {
    const { abi, retired } = raw();
    const cw = svc(abi, "console_write");
    cw["errors"] = (cw["errors"] as { code: string }[]).filter((e) => e.code !== "EFAULT");
    svc(abi, "null")["args"] = [1, 2, 3].map((i) => ({ name: `a${i}`, type: "u64" }));
    const p = problems(abi, retired).join("\n");
    expect(p).to.contain("console_write): takes a pointer, so it must list EFAULT");
    expect(p).to.contain("6 argument words");
  });

  it("rejects a partial ARINC mapping and an unknown ARINC code", () => {
    const { abi, retired } = raw();
    const errs = svc(abi, "queuing_port_clear")["errors"] as Record<string, unknown>[];
    delete errs[0]?.["arinc"];
    (errs[1] ?? {})["arinc"] = "SOMETIMES";
    const p = problems(abi, retired).join("\n");
    expect(p).to.contain("map every error to ARINC or none");
    expect(p).to.contain('"SOMETIMES" is not an ARINC return code');
  });

  it("rejects a struct field off its natural alignment", () => {
    const { abi, retired } = raw();
    const si = abi.structs.find((s) => s.name === "start_info");
    si?.fields.splice(1, 0, { name: "odd", type: "u8" });
    expect(problems(abi, retired).join("\n")).to.contain("struct start_info: field abi_major at offset 5 is not 2-aligned");
  });

  it("reports every problem at once with its path", () => {
    const { abi, retired } = raw();
    svc(abi, "idle")["permission"] = "everyone";
    svc(abi, "null")["result"] = "maybe";
    const p = problems(abi, retired);
    expect(p.length).to.equal(2);
    expect(p.some((x) => /^services\[\d+\]\.permission: "everyone"/.test(x)), p.join("\n")).to.equal(true);
    expect(p.some((x) => /^services\[2\]\.result: "maybe"/.test(x)), p.join("\n")).to.equal(true);
  });
});
