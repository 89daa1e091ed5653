// The expected test names of every RTOS test group, read from the test sources (guest-rtos/tests/*.c), so
// that a missing, extra, duplicated or renamed test fails its group. Pure: source texts in, names out;
// the shell reads the files. It understands the forms the sources use, and nothing cleverer:
//   const struct test_group group_x = { "name" | MACRO, setup, table | 0, table | 0, flag };
//   [static] const struct test_case table[] = { { "case", fn }, ..., { 0, 0 } };
//   test_init_check(GROUP, "case", ...)   test_report(GROUP, "case", ...)
// where GROUP is a string literal or a macro `#define MACRO "name"` of the same file.

/** One source file of the test image. */
export interface TestSource {
  readonly file: string;
  readonly text: string;
}

/** Expected test names per group; problems when the sources do not follow the forms above. */
export interface TestManifest {
  readonly groups: ReadonlyMap<string, ReadonlySet<string>>;
  readonly problems: readonly string[];
}

const DEFINE = /^#define\s+([A-Za-z_]\w*)\s+"([A-Za-z0-9_]+)"/gm;
const GROUP = /const\s+struct\s+test_group\s+\w+\s*=\s*\{([^}]*)\}/g;
const TABLE = /(static\s+)?const\s+struct\s+test_case\s+(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/g;
const CASE = /\{\s*"([A-Za-z0-9_]+)"\s*,\s*\w+\s*\}/g;
const DIRECT = /\btest_(?:init_check|report)\s*\(\s*("[A-Za-z0-9_]+"|[A-Za-z_]\w*)\s*,\s*"([A-Za-z0-9_]+)"/g;

interface Table {
  readonly file: string;
  readonly isStatic: boolean;
  readonly cases: readonly string[];
}

function groupName(token: string, defines: ReadonlyMap<string, string>): string | undefined {
  const t = token.trim();
  if (t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  return defines.get(t);
}

/** Reads the expected names of every group from the test sources. */
export function buildManifest(sources: readonly TestSource[]): TestManifest {
  const problems: string[] = [];
  const names = new Map<string, Set<string>>();
  const add = (group: string, name: string): void => {
    let s = names.get(group);
    if (s === undefined) names.set(group, (s = new Set()));
    s.add(name);
  };
  const tables = new Map<string, Table[]>();
  const definesOf = new Map<string, Map<string, string>>();
  for (const src of sources) {
    const defines = new Map<string, string>();
    for (const m of src.text.matchAll(DEFINE)) defines.set(m[1] ?? "", m[2] ?? "");
    definesOf.set(src.file, defines);
    for (const m of src.text.matchAll(TABLE)) {
      const cases = [...(m[3] ?? "").matchAll(CASE)].map((c) => c[1] ?? "");
      const dup = cases.find((c, i) => cases.indexOf(c) !== i);
      if (dup !== undefined) problems.push(`${src.file}: table ${m[2]} lists ${dup} twice`);
      const list = tables.get(m[2] ?? "") ?? [];
      list.push({ file: src.file, isStatic: m[1] !== undefined, cases });
      tables.set(m[2] ?? "", list);
    }
  }
  const tableFor = (name: string, file: string): Table | undefined => {
    const list = tables.get(name) ?? [];
    return list.find((t) => t.file === file) ?? list.find((t) => !t.isStatic);
  };
  for (const src of sources) {
    const defines = definesOf.get(src.file) ?? new Map<string, string>();
    for (const m of src.text.matchAll(GROUP)) {
      const fields = (m[1] ?? "").split(",").map((f) => f.trim());
      const group = groupName(fields[0] ?? "", defines);
      if (group === undefined) {
        problems.push(`${src.file}: a test_group whose name is not a literal or a #define: ${fields[0] ?? ""}`);
        continue;
      }
      if (!names.has(group)) names.set(group, new Set());
      for (const t of [fields[2], fields[3]]) {
        if (t === undefined || t === "0") continue;
        const table = tableFor(t, src.file);
        if (table === undefined) problems.push(`${src.file}: group ${group} names table ${t}, which no source defines`);
        else for (const c of table.cases) add(group, c);
      }
    }
    for (const m of src.text.matchAll(DIRECT)) {
      const group = groupName(m[1] ?? "", defines);
      if (group === undefined) problems.push(`${src.file}: a result line for ${m[2] ?? ""} whose group is not a literal or a #define`);
      else add(group, m[2] ?? "");
    }
  }
  for (const g of [...names.keys()]) if (names.get(g)?.size === 0) problems.push(`group ${g} has no tests`);
  const sorted = new Map([...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { groups: sorted, problems };
}

/** What a partition of group `group` reported, against the manifest: missing, extra and repeated names. */
export function nameProblems(manifest: TestManifest, group: string, reported: readonly { readonly group: string; readonly name: string }[]): string[] {
  const expected = manifest.groups.get(group);
  if (expected === undefined) return [`group ${group} is not in the test sources`];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of reported) {
    const full = `${t.group}.${t.name}`;
    if (t.group !== group || !expected.has(t.name)) out.push(`unexpected test ${full} (not in the sources of group ${group})`);
    else if (seen.has(t.name)) out.push(`test ${full} reported twice`);
    seen.add(t.name);
  }
  for (const n of expected) if (!seen.has(n)) out.push(`test ${group}.${n} never reported`);
  return out;
}
