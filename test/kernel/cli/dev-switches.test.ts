import { expect } from "chai";
import { applyDevSwitches } from "../../../kernel/cli/dev-switches";
import { regionsDefault, setRegionsDefault } from "../../../kernel/cpu/decoder/region-builder";
import { blockDumpSink, setBlockDump } from "../../../kernel/cpu/decoder/block-dump";
import { idleSkipDefault, setIdleSkipDefault } from "../../../kernel/cpu/idle-loop";

describe("kernel/cli/dev-switches: the developer's environment switches", () => {
  const restore = { regions: regionsDefault(), idle: idleSkipDefault(), dump: blockDumpSink() };
  afterEach(() => {
    setRegionsDefault(restore.regions);
    setIdleSkipDefault(restore.idle);
    setBlockDump(restore.dump);
  });

  it("applies none for an environment that sets none, or sets them to their defaults' values", () => {
    expect(applyDevSwitches({})).to.deep.equal([]);
    expect(applyDevSwitches({ APEXVISOR_REGIONS: "0", APEXVISOR_IDLE_SKIP: "1", APEXVISOR_DUMP_BLOCKS: "0" })).to.deep.equal([]);
    expect([regionsDefault(), idleSkipDefault(), blockDumpSink()]).to.deep.equal([restore.regions, restore.idle, restore.dump]);
  });

  it("turns regions on and idle skipping off, and names what it applied", () => {
    expect(applyDevSwitches({ APEXVISOR_REGIONS: "1", APEXVISOR_IDLE_SKIP: "0" })).to.deep.equal(["APEXVISOR_IDLE_SKIP=0", "APEXVISOR_REGIONS=1"]);
    expect(regionsDefault()).to.equal(true);
    expect(idleSkipDefault()).to.equal(false);
  });

  it("leaves the block dump out for a benchmark, and sets it for the CLI", () => {
    expect(applyDevSwitches({ APEXVISOR_DUMP_BLOCKS: "1" }, false)).to.deep.equal([]);
    expect(blockDumpSink()).to.equal(restore.dump);
    expect(applyDevSwitches({ APEXVISOR_DUMP_BLOCKS: "1" })).to.deep.equal(["APEXVISOR_DUMP_BLOCKS=1"]);
    expect(blockDumpSink()).to.not.equal(null);
  });
});
