// Compares two Linux console logs by message: which lines of one boot have no counterpart in another (QEMU's
// log of the same files is the reference). Pure: text in, lines out; numbers do not count as differences.

/** Messages that must never be left unexplained when only one side prints them. */
export const ALARMING = /Oops|Kernel panic|BUG:|WARNING:|general protection fault|unchecked MSR|unknown|error|fail|warn/i;

/** The console's lines without printk's "[ seconds]" stamp, terminal escapes or CRs; empty lines dropped. */
export function consoleMessages(log: string): string[] {
  return log
    .split("\n")
    .map((l) =>
      l
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
        .replace(/\r/g, "")
        .replace(/^\[\s*\d+\.\d+\]\s?/, "")
        .trimEnd(),
    )
    .filter((l) => l.trim() !== "");
}

/** A message with every number (hex or decimal, sizes, addresses, timings) replaced by "#". */
export function messageShape(line: string): string {
  return line.replace(/0x[0-9a-fA-F]+|[0-9a-fA-F]*\d[0-9a-fA-F]*/g, "#").replace(/#([.:,-]#)+/g, "#");
}

/** Lines of `ours` whose shape never occurs in `reference`, in order, each shape once. */
export function messagesOnlyIn(ours: string, reference: string): string[] {
  const known = new Set(consoleMessages(reference).map(messageShape));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of consoleMessages(ours)) {
    const shape = messageShape(l);
    if (known.has(shape) || seen.has(shape)) continue;
    seen.add(shape);
    out.push(l);
  }
  return out;
}
