import { expect } from "chai";
import { channelProblems } from "../../../kernel/ports/channel-check";
import { channel, partition, queuingPort, samplingPort, systemConfig } from "../../support/config-fixtures";

const PARTITIONS = [
  partition(1, [samplingPort("s_out", "SOURCE", 8), queuingPort("q_out", "SOURCE", 2, 8), samplingPort("big_out", "SOURCE", 64)]),
  partition(2, [samplingPort("s_in", "DESTINATION", 8), queuingPort("q_in", "DESTINATION", 2, 8)]),
  partition(3, [samplingPort("s_in", "DESTINATION", 8), queuingPort("q_in", "DESTINATION", 2, 8)]),
];

describe("kernel/ports/channel-check", () => {
  it("accepts sound channels, including pseudo-partition ends", () => {
    const cfg = systemConfig({
      partitions: PARTITIONS,
      channels: [channel(1, "1:s_out", "2:s_in", "3:s_in", "@log"), channel(2, "1:q_out", "2:q_in"), channel(3, "@radio", "3:q_in")],
    });
    expect(channelProblems(cfg)).to.deep.equal([]);
  });

  const rows: readonly [what: string, channels: ReturnType<typeof channel>[], message: RegExp][] = [
    ["unknown port", [channel(1, "1:nope", "2:s_in")], /no port 1\/nope/],
    ["unknown partition", [channel(1, "1:s_out", "9:s_in")], /no port 9\/s_in/],
    ["destination used as source", [channel(1, "2:s_in", "3:s_in")], /DESTINATION port, used as SOURCE/],
    ["source used as destination", [channel(1, "1:s_out", "1:s_out")], /SOURCE port, used as DESTINATION/],
    ["mixed kinds", [channel(1, "1:s_out", "2:q_in")], /mixes sampling and queuing/],
    ["queuing with two destinations", [channel(1, "1:q_out", "2:q_in", "3:q_in")], /exactly one destination/],
    ["queuing with no destination", [channel(1, "1:q_out")], /exactly one destination/],
    ["destination smaller than source", [channel(1, "1:big_out", "2:s_in")], /MaxMessageSize 8 < source 64/],
    ["port in two channels", [channel(1, "1:s_out", "2:s_in"), channel(2, "1:big_out", "2:s_in")], /channel 2: .*already connected/],
  ];
  for (const [what, channels, message] of rows) {
    it(`reports ${what}`, () => {
      const problems = channelProblems(systemConfig({ partitions: PARTITIONS, channels }));
      expect(problems.map((p) => p.message).join("\n")).to.match(message);
      expect(problems[0]?.pos.file).to.equal("test.xml");
    });
  }
});
