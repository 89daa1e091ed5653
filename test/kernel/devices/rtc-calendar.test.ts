import { expect } from "chai";
import { fieldsFromUnix, unixFromFields } from "../../../kernel/devices/rtc-calendar";

describe("kernel/devices/rtc-calendar", () => {
  it("breaks 2026-01-01T00:00:00Z into fields with Sunday = 1", () => {
    expect(fieldsFromUnix(1_767_225_600)).to.deep.equal({ year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 5 });
  });
  it("round-trips fields, including years below 100", () => {
    const f = { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58 };
    expect(fieldsFromUnix(unixFromFields(f))).to.include(f);
    expect(fieldsFromUnix(unixFromFields({ ...f, year: 99, month: 3, day: 1 })).year).to.equal(99);
  });
});
