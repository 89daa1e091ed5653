// POSIX path arithmetic on strings, for config paths (an image "relative to the XML file's folder") in
// every host: the same results as Node's path.posix for the cases the kernel uses, with no file access.

/** True when `p` starts at the root. */
export function isAbsolute(p: string): boolean {
  return p.startsWith("/");
}

/** Removes "." and "x/.." steps and doubled slashes; "" becomes ".". Keeps a leading "/" or leading "..". */
export function normalize(p: string): string {
  const abs = isAbsolute(p);
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
      continue;
    }
    out.push(part);
  }
  const body = out.join("/");
  if (abs) return "/" + body;
  return body === "" ? "." : body;
}

/** Joins segments with "/" and normalizes (empty segments are skipped). */
export function join(...parts: readonly string[]): string {
  const kept = parts.filter((s) => s !== "");
  return kept.length === 0 ? "." : normalize(kept.join("/"));
}

/** The folder part of `p`: "a/b.xml" -> "a", "b.xml" -> ".", "/b.xml" -> "/". */
export function dirname(p: string): string {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, "") : p;
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return trimmed.slice(0, i);
}

/**
 * The path from folder `from` to `to`, both normalized first. Both must be absolute or both relative
 * to the same folder (the kernel only relates an image path to its XML's folder, which it was joined to).
 */
export function relative(from: string, to: string): string {
  const a = segments(normalize(from));
  const b = segments(normalize(to));
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => "..");
  return [...up, ...b.slice(i)].join("/");
}

function segments(p: string): string[] {
  return p.split("/").filter((s) => s !== "" && s !== ".");
}
