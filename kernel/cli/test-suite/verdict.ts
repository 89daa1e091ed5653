// The suite's verdict on one partition beyond its TEST lines: every HM event, restart and stop during the
// run must be one the module declares (`hm=<state>/<code>/<level>/<action>` tokens on the partition's
// CommandLine, in order), nothing may happen after the SUITE line but the partition's clean end, and the
// run counts only once every partition ended cleanly. Pure: a timeline in, problems out.
import type { OperatingMode } from "../../partition/partition-mode";

/** One HM event as the harness compares it. */
export interface HmExpectation {
  readonly systemState: number;
  readonly errorCode: string;
  readonly level: string;
  readonly action: string;
}

/** What a partition's CommandLine declares to the harness. */
export interface PartitionDeclaration {
  readonly group: string | undefined;
  readonly hm: readonly HmExpectation[];
  /** Restarts the partition asks for itself (SET_PARTITION_MODE), in order: `restart=WARM_START`. */
  readonly restarts?: readonly string[];
}

/** Reads `group=` and the `hm=` tokens of a CommandLine; problems for malformed `hm=` tokens. */
export function parseDeclaration(commandLine: string): { readonly decl: PartitionDeclaration; readonly problems: string[] } {
  let group: string | undefined;
  const hm: HmExpectation[] = [];
  const restarts: string[] = [];
  const problems: string[] = [];
  for (const tok of commandLine.split(/\s+/).filter((t) => t !== "")) {
    if (tok.startsWith("group=")) group = tok.slice(6);
    if (tok.startsWith("restart=")) {
      const m = tok.slice(8);
      if (m === "COLD_START" || m === "WARM_START") restarts.push(m);
      else problems.push(`CommandLine token ${tok}: expected restart=COLD_START or restart=WARM_START`);
    }
    if (!tok.startsWith("hm=")) continue;
    const parts = tok.slice(3).split("/");
    const state = Number(parts[0]);
    if (parts.length !== 4 || !Number.isInteger(state) || parts.some((p) => p === "")) {
      problems.push(`CommandLine token ${tok}: expected hm=<state>/<code>/<level>/<action>`);
      continue;
    }
    hm.push({ systemState: state, errorCode: parts[1] ?? "", level: parts[2] ?? "", action: parts[3] ?? "" });
  }
  return { decl: { group, hm, restarts }, problems };
}

/** One thing that happened to a partition, in order. */
export type TimelineEntry =
  | { readonly kind: "test"; readonly name: string }
  | { readonly kind: "suite" }
  | ({ readonly kind: "hm" } & HmExpectation)
  | { readonly kind: "mode"; readonly from: OperatingMode; readonly to: OperatingMode }
  | { readonly kind: "stop"; readonly reason: string };

/** The FV stop of a clean end: the bare-PC BSP writes 0 to isa-debug-exit, which reports status 1. */
export const CLEAN_FV_STOP = "debug-exit status 1";

const describe = (e: HmExpectation): string => `${e.errorCode} level ${e.level} -> ${e.action} in SystemState ${e.systemState}`;
const same = (a: HmExpectation, b: HmExpectation): boolean =>
  a.systemState === b.systemState && a.errorCode === b.errorCode && a.level === b.level && a.action === b.action;
const restarts = (action: string): boolean => action === "PARTITION:COLD_START" || action === "PARTITION:WARM_START" || action === "MODULE:RESET";
const ends = (action: string): boolean => action === "PARTITION:IDLE" || action === "MODULE:SHUTDOWN";

/**
 * Judges one partition's timeline. `ended`: it reached its declared end (IDLE after its SUITE line, or
 * the last declared HM event when its action idles the partition or shuts the module down). `final`:
 * the run is over, so a missing end or a declared event that never came is a problem too.
 */
export function judgeTimeline(decl: PartitionDeclaration, timeline: readonly TimelineEntry[], final: boolean): { readonly ended: boolean; readonly problems: string[] } {
  const out: string[] = [];
  let next = 0;
  let nextRestart = 0;
  let lastHm: HmExpectation | undefined;
  let suiteSeen = false;
  let ended = false;
  for (const e of timeline) {
    if (ended && e.kind !== "stop") {
      out.push(`after its end: ${e.kind === "hm" ? `HM event ${describe(e)}` : e.kind}`);
      continue;
    }
    switch (e.kind) {
      case "test":
        if (suiteSeen) out.push(`TEST ${e.name} after the SUITE line`);
        break;
      case "suite":
        suiteSeen = true;
        break;
      case "hm": {
        const want = decl.hm[next];
        if (suiteSeen) out.push(`HM event after the SUITE line: ${describe(e)}`);
        else if (want === undefined) out.push(`unexpected HM event: ${describe(e)}`);
        else if (!same(want, e)) out.push(`HM event ${describe(e)}; the module declares ${describe(want)}`);
        else {
          next++;
          lastHm = e;
          if (ends(e.action) && next === decl.hm.length) ended = true;
        }
        break;
      }
      case "mode":
        if (e.to === "COLD_START" || e.to === "WARM_START") {
          const requested = decl.restarts?.[nextRestart];
          if (lastHm !== undefined && restarts(lastHm.action)) {
            // the restart the declared HM event asked for
          } else if (requested === e.to) nextRestart++;
          else out.push(`unexpected restart (${e.from} -> ${e.to})`);
          lastHm = undefined;
        } else if (e.to === "IDLE") {
          if (suiteSeen) ended = true;
          else if (!(lastHm !== undefined && ends(lastHm.action))) out.push(`went IDLE before its SUITE line`);
        }
        break;
      case "stop":
        if (e.reason !== CLEAN_FV_STOP) out.push(`stopped: ${e.reason}`);
        break;
      default: {
        const unreachable: never = e;
        throw new Error(`unhandled timeline entry ${JSON.stringify(unreachable)}`);
      }
    }
  }
  if (final) {
    for (const w of decl.hm.slice(next)) out.push(`declared HM event never happened: ${describe(w)}`);
    for (const r of (decl.restarts ?? []).slice(nextRestart)) out.push(`declared restart to ${r} never happened`);
    if (!ended) out.push(suiteSeen ? "did not end cleanly after its SUITE line (never went IDLE)" : "never reached a declared end");
  }
  return { ended, problems: out };
}
