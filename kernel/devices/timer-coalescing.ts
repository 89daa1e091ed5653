// Interrupt-storm coalescing for periodic device timers (PIT modes 2/3, local APIC periodic mode): how
// soon after an expiry the next one may be armed. Not responsible for counting or raising interrupts.
//
// Hardware loses timer interrupts that come faster than the CPU can take them: the interrupt request
// register holds one pending edge per line, so while the first waits, later edges fall on a bit that is
// already set. apexvisor models that with a service floor: after a periodic expiry the next one is armed
// no sooner than IRQ_TIMER_FLOOR_NS later (the first expiry of the programmed period at or after the
// floor, on a grid anchored where counting began); the expiries in between are counted as missed,
// never delivered. Counters read by the guest
// (PIT count, APIC Current Count) stay exact: only the interrupt edges are thinned. The floor is the
// same as the PV tick floor (kernel/hypercall/pv-timers.ts MIN_TICK_PERIOD_NS): at most 100,000 timer
// events per virtual second per timer, so host time per virtual time stays bounded whatever the guest
// programs. Periods at or above the floor are untouched (every existing 1 kHz guest is bit-exact).

/** Shortest interval between two delivered expiries of one periodic timer, in virtual nanoseconds. */
export const IRQ_TIMER_FLOOR_NS = 10_000n;

/**
 * The next expiry to deliver strictly after `now` for a periodic timer whose period is below the floor.
 * Expiries are named by the device's tick index. The floor grid starts at `anchor` (when counting
 * began) and has one point every IRQ_TIMER_FLOOR_NS; the first expiry after each grid point is
 * delivered, the others are missed. The answer depends on `now` and the timer's programmed state only
 * (no memory of the last delivery), so a machine restored from a snapshot delivers exactly the same
 * expiries as the one that saved it. `firstAfter(t)`: the first expiry after time t; `deadlineOf`: an
 * expiry's time.
 */
export function nextDeliveredExpiry(now: bigint, anchor: bigint, firstAfter: (time: bigint) => bigint, deadlineOf: (expiry: bigint) => bigint): bigint {
  const since = now > anchor ? now - anchor : 0n;
  const grid = anchor + (since / IRQ_TIMER_FLOOR_NS) * IRQ_TIMER_FLOOR_NS;
  const first = firstAfter(grid);
  return deadlineOf(first) > now ? first : firstAfter(grid + IRQ_TIMER_FLOOR_NS);
}
