// gdb `monitor` commands (qRcmd): a small shell over the VM tree. `partitions` and `schedule` are the
// documented short forms; `ls PATH`, `cat PATH` and `write PATH VALUE` reach the whole tree.
import type { VmTree, TreeResult } from "./vm-tree";

function show(r: TreeResult): string {
  if (!r.ok) return `error: ${r.error}`;
  return typeof r.value === "string" ? r.value : JSON.stringify(r.value, null, 2);
}

/** Output of one monitor command, or null when the command is unknown (gdb then says so). */
export function monitorCommand(tree: VmTree, line: string): string | null {
  const [cmd, path, ...rest] = line.split(/\s+/);
  switch (cmd) {
    case "partitions": {
      const names = tree.ls("/partitions");
      if (!names.ok) return show(names);
      return (names.value as string[]).map((n) => `${n}: ${show(tree.cat(`/partitions/${n}/mode`))}`).join("\n");
    }
    case "schedule":
      return show(tree.cat("/module"));
    case "ls":
      return show(tree.ls(path ?? "/"));
    case "cat":
      return path === undefined ? "usage: cat PATH" : show(tree.cat(path));
    case "write":
      return path === undefined ? "usage: write PATH VALUE" : show(tree.write(path, rest.join(" ")));
    case "help":
      return "monitor partitions | schedule | ls PATH | cat PATH | write PATH VALUE";
    default:
      return null;
  }
}
