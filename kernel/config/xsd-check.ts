// Checks module XML against the XSD in partitions/schema/ with libxml2 compiled to WebAssembly
// (xmllint-wasm, shipped inside its npm package: no system xmllint, nothing fetched). It finds the
// structural problems the schema can express; apexvisor's own validator (validate.ts) checks the rest.
import { validateXML, type XMLValidationError } from "xmllint-wasm";
import type { Diagnostic } from "./diagnostic";

/** A named text file: an XML document or a schema. */
export interface NamedText {
  readonly file: string;
  readonly text: string;
}

/** The main schema and the schemas it imports (by the file name its schemaLocation uses). */
export interface XsdSchema {
  readonly main: NamedText;
  readonly imports: readonly NamedText[];
}

/** libxml2's prefixes, dropped from messages (the position already says where). */
const NOISE = /^(Schemas validity error|Schemas parser error|parser error|validity error)\s*:\s*/;

/**
 * Validates every document against `schema` in one libxml2 run and returns one diagnostic per schema
 * error, positioned at its file and line (libxml2 gives no column: column 0). An empty list means
 * every document is valid.
 */
export async function checkXsd(docs: readonly NamedText[], schema: XsdSchema): Promise<Diagnostic[]> {
  if (docs.length === 0) return [];
  // xmllint sees each document under a plain alias (its own file system is flat and rejects names
  // that look like options); errors are mapped back to the caller's names.
  const alias = docs.map((_, i) => `doc${i}.xml`);
  const byAlias = new Map(alias.map((a, i) => [a, docs[i]?.file ?? a]));
  const result = await validateXML({
    xml: docs.map((d, i) => ({ fileName: alias[i] ?? `doc${i}.xml`, contents: d.text })),
    schema: { fileName: baseName(schema.main.file), contents: schema.main.text },
    preload: schema.imports.map((s) => ({ fileName: baseName(s.file), contents: s.text })),
  });
  if (result.valid) return [];
  const out = result.errors.flatMap((e) => toDiagnostic(e, byAlias));
  // A document libxml2 rejected without a located line still fails: report it once, for the whole file.
  const failed = new Set(result.rawOutput.split("\n").flatMap((l) => /^(doc\d+\.xml) fails to validate/.exec(l)?.[1] ?? []));
  for (const a of failed) {
    const file = byAlias.get(a) ?? a;
    if (!out.some((d) => d.pos.file === file)) out.push({ pos: { file, line: 0, column: 0 }, message: "XSD: the document does not validate against the schema" });
  }
  return out;
}

function toDiagnostic(e: XMLValidationError, byAlias: ReadonlyMap<string, string>): Diagnostic[] {
  if (e.loc === null) return [];
  const file = byAlias.get(e.loc.fileName);
  if (file === undefined) return [];
  return [{ pos: { file, line: e.loc.lineNumber, column: 0 }, message: `XSD: ${e.message.replace(NOISE, "")}` }];
}

function baseName(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}
