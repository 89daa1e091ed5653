// Struct layout computation: field types parse, offsets follow the declared order, and padding must be
// spelled out; the shared layouts kernel and guests rely on keep their published offsets.
import { expect } from "chai";
import { START_INFO_LAYOUT, SHARED_PAGE_LAYOUT, PV_CONSTANTS, LIBPV_AREA_LAYOUT } from "../../../kernel/hypercall/generated/abi-layout";
import { layoutStruct, parseFieldType } from "../../../paravirt-abi/gen/layout";

describe("paravirt-abi/gen/layout", () => {
  it("parses scalar and array field types and rejects others", () => {
    expect(parseFieldType("u64")).to.deep.equal({ kind: "u64" });
    expect(parseFieldType("char[32]")).to.deep.equal({ kind: "char", count: 32 });
    expect(parseFieldType("u8[248]")).to.deep.equal({ kind: "u8array", count: 248 });
    expect(parseFieldType("u128")).to.equal(null);
    expect(parseFieldType("char[0]")).to.equal(null);
  });

  it("lays fields out in order and refuses implicit padding", () => {
    const ok = layoutStruct("t", "", [
      { name: "a", type: { kind: "u32" }, doc: "" },
      { name: "b", type: { kind: "u32" }, doc: "" },
      { name: "c", type: { kind: "u64" }, doc: "" },
    ]);
    expect(Array.isArray(ok) ? ok : ok.fields.map((f) => f.offset)).to.deep.equal([0, 4, 8]);
    const bad = layoutStruct("t", "", [
      { name: "a", type: { kind: "u32" }, doc: "" },
      { name: "c", type: { kind: "u64" }, doc: "" },
    ]);
    expect(bad).to.deep.equal([
      "struct t: field c at offset 4 is not 8-aligned; add a reserved field",
      "struct t: size 12 is not a multiple of 8; add a reserved field",
    ]);
    const tail = layoutStruct("t", "", [{ name: "a", type: { kind: "u16" }, doc: "" }]);
    expect(tail).to.deep.equal(["struct t: size 2 is not a multiple of 4; add a reserved field"]);
  });

  it("keeps the published start-info and shared-page offsets", () => {
    expect(START_INFO_LAYOUT.fields.size.offset).to.equal(0);
    expect(START_INFO_LAYOUT.fields.abi_major.offset).to.equal(4);
    expect(START_INFO_LAYOUT.fields.abi_minor.offset).to.equal(6);
    expect(START_INFO_LAYOUT.fields.tick_period_ns.offset % 8).to.equal(0);
    expect(SHARED_PAGE_LAYOUT.fields.time_ns.offset % 8).to.equal(0);
    expect(SHARED_PAGE_LAYOUT.size).to.be.at.most(PV_CONSTANTS.LIBPV_AREA_OFFSET);
    expect(PV_CONSTANTS.LIBPV_AREA_OFFSET + LIBPV_AREA_LAYOUT.size).to.be.at.most(PV_CONSTANTS.PAGE_SIZE);
  });
});
