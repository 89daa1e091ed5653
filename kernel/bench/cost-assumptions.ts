// The cost model's assumptions as printed beside the benchmark results: each entry's value and where
// its default comes from. Reads kernel/cpu/cost-model.ts; decides no cost itself.
import { DEFAULT_CLOCK_HZ, DEFAULT_COST_MODEL, type CostModel } from "../cpu/cost-model";

/** One printed assumption. */
export interface CostAssumption {
  readonly name: string;
  readonly value: string;
  readonly source: string;
}

const SOURCE = "kernel/cpu/cost-model.ts DEFAULT_COST_MODEL";

/** Why each default is what it is (the TSDoc of CostModel, condensed). Exhaustive over CostModel. */
const WHY: Readonly<Record<keyof CostModel, string>> = {
  instruction: "simple in-order core retiring one instruction per cycle",
  multiplyDivide: "the model counts instructions, not latencies",
  stringIteration: "each REP iteration counted like an instruction (interruptible on hardware)",
  io: "device emulation time is the device's business",
  interruptDelivery: "folded into the instruction",
  privilegeChange: "no extra cost for a ring change",
  hypercallEntry: "the kernel charges each service's cost itself",
  x87LoadStore: "x87 load/store/exchange counted as one instruction",
  x87Arith: "x87 add/mul/compare counted as one instruction",
  x87DivSqrt: "x87 divide/sqrt/remainder counted as one instruction (no latencies)",
  x87Transcendental: "x87 transcendental counted as one instruction (no latencies)",
  x87Control: "x87 control/environment instruction counted as one instruction",
};

/** The cost table and clock as rows with their sources. */
export function costAssumptions(model: CostModel = DEFAULT_COST_MODEL, clockHz: number = DEFAULT_CLOCK_HZ): CostAssumption[] {
  const keys = Object.keys(WHY) as (keyof CostModel)[];
  return [
    ...keys.map((k) => ({ name: k, value: `${model[k]} cycle${model[k] === 1 ? "" : "s"}`, source: `${SOURCE}: ${WHY[k]}` })),
    { name: "clock", value: `${clockHz / 1e6} MHz`, source: "kernel/cpu/cost-model.ts DEFAULT_CLOCK_HZ (module config may change it)" },
  ];
}
