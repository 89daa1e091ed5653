// The developer's environment switches, read once at the start of a process by the CLI and by the benchmark scripts
// (the fresh processes bench:cpu starts), so that a comparison made with one means the same in each:
//   APEXVISOR_DUMP_BLOCKS=1  print every compiled block to stderr (boot --dump-blocks does the same)
//   APEXVISOR_IDLE_SKIP=0    run idle loops instead of fast-forwarding them
//   APEXVISOR_REGIONS=1      form regions of a code page's hot blocks (kernel/cpu/README.md "Regions")
// None changes what a guest computes, its cycles or its output: host speed and diagnostics only.
import { dumpBlocksToStderr } from "./dump-blocks";
import { setIdleSkipDefault } from "../cpu/idle-loop";
import { setRegionsDefault } from "../cpu/decoder/region-builder";

/** Applies the switches `env` sets; returns the ones it applied, as NAME=VALUE, for a report's header. A benchmark
 * leaves the block dump out (`dump` false): its children's stderr is read whole. */
export function applyDevSwitches(env: NodeJS.ProcessEnv, dump = true): string[] {
  const applied: string[] = [];
  const dumpTo = env["APEXVISOR_DUMP_BLOCKS"];
  if (dump && dumpTo !== undefined && dumpTo !== "" && dumpTo !== "0") {
    dumpBlocksToStderr();
    applied.push(`APEXVISOR_DUMP_BLOCKS=${dumpTo}`);
  }
  if (env["APEXVISOR_IDLE_SKIP"] === "0") {
    setIdleSkipDefault(false);
    applied.push("APEXVISOR_IDLE_SKIP=0");
  }
  if (env["APEXVISOR_REGIONS"] === "1") {
    setRegionsDefault(true);
    applied.push("APEXVISOR_REGIONS=1");
  }
  return applied;
}
