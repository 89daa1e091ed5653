// Reads apexvisor's module-wide extension element apx:Platform: the cost model's clock frequency,
// cost overrides and the simulated errors of system states 1-3 (apx:InjectError). Override names are not checked here (the cost model owns its table).
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { CostOverride, InjectedError, ModuleExtConfig } from "./model";
import { nanos } from "../mem/types";
import { ERROR_CODES } from "./read-hm";
import { APX_NS } from "./namespaces";
import type { XmlElement } from "./xml-tree";

/** Default clock of the cost model: 100 MHz. */
export const DEFAULT_CLOCK_HZ = 100_000_000;
const COST_NAME = /^[a-z][a-z0-9_.-]*$/i;

/** Reads apx:Platform, or returns the defaults when `el` is undefined. */
export function readPlatform(el: XmlElement | undefined, sink: DiagnosticSink): ModuleExtConfig {
  if (!el) return { clockHz: DEFAULT_CLOCK_HZ, costOverrides: [] };
  const r = new ElementReader(el, sink);
  const clockHz = r.int("ClockHz", false, { min: 1_000, max: 10_000_000_000 }) ?? DEFAULT_CLOCK_HZ;
  const groups = r.children([
    { local: "Cost", ns: APX_NS, min: 0, max: Infinity },
    { local: "InjectError", ns: APX_NS, min: 0, max: Infinity },
  ]);
  r.finish();
  const injectedErrors = (groups.get("apx:InjectError") ?? []).flatMap((e) => readInjectError(e, sink)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const costOverrides: CostOverride[] = [];
  for (const c of groups.get("apx:Cost") ?? []) {
    const cr = new ElementReader(c, sink);
    const name = cr.string("Name", true);
    const cyclesValue = cr.int("Cycles", true, { min: 0, max: 1_000_000 });
    cr.children([]);
    cr.finish();
    if (name === undefined || cyclesValue === undefined) continue;
    if (!COST_NAME.test(name)) cr.error(`apx:Cost Name "${name}" is not a cost name (letters, digits, "_", "." or "-")`);
    else if (costOverrides.some((o) => o.name === name)) cr.error(`cost "${name}" is overridden twice`);
    else costOverrides.push({ name, cycles: cyclesValue, pos: c.pos });
  }
  return { clockHz, costOverrides, ...(injectedErrors.length === 0 ? {} : { injectedErrors }) };
}

/** One apx:InjectError (SystemState 1..3, ErrorCode, AtSeconds; state 1 fires at 0 only). */
function readInjectError(el: XmlElement, sink: DiagnosticSink): InjectedError[] {
  const r = new ElementReader(el, sink);
  const state = r.int("SystemState", true, { min: 1, max: 3 });
  const errorCode = r.enumOf("ErrorCode", ERROR_CODES, true);
  const at = r.seconds("AtSeconds", false, false) ?? nanos(0);
  r.children([]);
  r.finish();
  if (state === undefined || errorCode === undefined) return [];
  if (state === 1 && at !== nanos(0)) {
    r.error("apx:InjectError SystemState 1 (module initialization) fires before the first window: AtSeconds must be 0 or absent");
    return [];
  }
  return [{ systemState: state as 1 | 2 | 3, errorCode, at, pos: el.pos }];
}
