// The reader of stdout may go away in the middle of a run (`apexvisor run … | head`). Node marks the
// stream as errored at the failing write but emits the error event only later, when a synchronous run
// has long finished; checking after each console write lets a run stop at once, quietly, with the
// status a shell shows for a program ended by SIGPIPE.
/** Exit status when stdout's reader has gone (128 + SIGPIPE, as a shell reports it). */
export const STDOUT_CLOSED_EXIT = 141;

/** True once a write to stdout failed because its reader closed the pipe. */
export function stdoutClosed(): boolean {
  const e = process.stdout.errored as NodeJS.ErrnoException | null | undefined;
  return e?.code === "EPIPE";
}

/** Ends the process (after `cleanup`, which flushes and closes what the run wrote) when stdout's reader has gone. */
export function stopIfStdoutClosed(cleanup: () => void): void {
  if (!stdoutClosed()) return;
  cleanup();
  process.exit(STDOUT_CLOSED_EXIT);
}
