// The generated kernel-side ABI module: ids match the descriptors, every pointer's length names a u32
// argument, and ServiceHandlers refuses a table with a handler missing (checked by the compiler).
import { expect } from "chai";
import { SERVICES, ServiceId, type ServiceArgs, type ServiceHandlers, type ServiceKey } from "../../../../kernel/hypercall/generated/abi-generated";

describe("kernel/hypercall/generated/abi-generated", () => {
  it("lists each service once, in id order, with its enum id", () => {
    const ids = SERVICES.map((s) => s.id);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).to.equal(ids.length);
    for (const s of SERVICES) expect(ServiceId[s.id]?.toLowerCase()).to.equal(s.name.replace(/_/g, ""));
  });

  it("describes argument words within EBX..EDI and pointer lengths by a u32 argument or a fixed size", () => {
    for (const s of SERVICES) {
      const last = s.args[s.args.length - 1];
      const words = last === undefined ? 0 : last.word + (last.kind === "u64" ? 2 : 1);
      expect(words, s.name).to.be.at.most(5);
      for (const a of s.args) {
        if (a.kind !== "ptr") continue;
        if (a.len.by === "arg") expect(s.args[a.len.index]?.kind, `${s.name}.${a.name}`).to.equal("u32");
        else expect(a.len.bytes, `${s.name}.${a.name}`).to.be.greaterThan(0);
      }
    }
  });

  it("types handler arguments from the definition and requires every handler", () => {
    type Ctx = { readonly calls: string[] };
    const handler =
      <K extends ServiceKey>(k: K) =>
      (ctx: Ctx, ..._args: ServiceArgs[K]): number => {
        ctx.calls.push(k);
        return 0;
      };
    const all = Object.fromEntries(SERVICES.map((s) => [s.key, handler(s.key)])) as unknown as ServiceHandlers<Ctx, number>;
    const ctx: Ctx = { calls: [] };
    all.consoleWrite(ctx, 0x1000 as never, 5);
    all.timerSetPeriodic(ctx, 1_000_000n);
    expect(ctx.calls).to.deep.equal(["consoleWrite", "timerSetPeriodic"]);
    const { consoleWrite: _dropped, ...missing } = all;
    // @ts-expect-error a table without consoleWrite is not a ServiceHandlers
    const incomplete: ServiceHandlers<Ctx, number> = missing;
    expect(Object.keys(incomplete)).to.not.include("consoleWrite");
  });
});
