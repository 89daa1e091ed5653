import { expect } from "chai";
import { ALL_OUTCOMES, ReturnCode, toReturnCode, type ServiceOutcome } from "../../../kernel/ports/return-codes";

describe("kernel/ports/return-codes", () => {
  it("numbers RETURN_CODE_TYPE as the APEX bindings do", () => {
    expect(ReturnCode).to.deep.equal({
      NO_ERROR: 0,
      NO_ACTION: 1,
      NOT_AVAILABLE: 2,
      INVALID_PARAM: 3,
      INVALID_CONFIG: 4,
      INVALID_MODE: 5,
      TIMED_OUT: 6,
    });
  });

  const table: Record<ServiceOutcome, keyof typeof ReturnCode> = {
    ok: "NO_ERROR",
    noChange: "NO_ACTION",
    noMessage: "NO_ACTION",
    full: "NOT_AVAILABLE",
    empty: "NOT_AVAILABLE",
    badParam: "INVALID_PARAM",
    unknownId: "INVALID_PARAM",
    unknownName: "INVALID_CONFIG",
    configMismatch: "INVALID_CONFIG",
    tooLarge: "INVALID_CONFIG",
    notPermitted: "INVALID_CONFIG",
    overflowed: "INVALID_CONFIG",
    wrongDirection: "INVALID_MODE",
    wrongMode: "INVALID_MODE",
    timedOut: "TIMED_OUT",
  };
  for (const [outcome, name] of Object.entries(table) as [ServiceOutcome, keyof typeof ReturnCode][]) {
    it(`${outcome} -> ${name}`, () => expect(toReturnCode(outcome)).to.equal(ReturnCode[name]));
  }

  it("lists every outcome once, and the table above covers them all", () => {
    expect(new Set(ALL_OUTCOMES).size).to.equal(ALL_OUTCOMES.length);
    expect([...ALL_OUTCOMES].sort()).to.deep.equal(Object.keys(table).sort());
  });

  it("throws on a value outside the union (host bug)", () => {
    expect(() => toReturnCode("bogus" as ServiceOutcome)).to.throw();
  });
});
