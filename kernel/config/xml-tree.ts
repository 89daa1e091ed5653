// Parses XML text (with saxes) into a small tree of positioned elements and attributes. Reports
// well-formedness errors as diagnostics; knows nothing of ARINC 653.
import { SaxesParser } from "saxes";
import type { SaxesAttributeNS, SaxesTagNS } from "saxes";
import type { Diagnostic } from "./diagnostic";
import type { SourcePos } from "./model";

const XMLNS_URI = "http://www.w3.org/2000/xmlns/";

/** One attribute: local name, namespace URI ("" for none), value and where its name starts. */
export interface XmlAttribute {
  readonly local: string;
  readonly ns: string;
  /** The name as written, with its prefix (for messages). */
  readonly qname: string;
  readonly value: string;
  readonly pos: SourcePos;
}

/** One element with its attributes (xmlns declarations left out), children and character data. */
export interface XmlElement {
  readonly local: string;
  readonly ns: string;
  readonly qname: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element. */
  readonly text: string;
  /** Where the first non-blank character data starts, if any. */
  readonly textPos: SourcePos | undefined;
  readonly pos: SourcePos;
}

interface MutableElement {
  local: string;
  ns: string;
  qname: string;
  attributes: XmlAttribute[];
  children: MutableElement[];
  text: string;
  textPos: SourcePos | undefined;
  pos: SourcePos;
}

export type XmlParseResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

/** Deepest element nesting accepted (an ARINC 653 module needs fewer than 10 levels). */
export const MAX_XML_DEPTH = 64;
/** Most elements accepted in one file. */
export const MAX_XML_ELEMENTS = 200_000;

/** Thrown inside the saxes callbacks to stop parsing at a limit (caught below, never escapes). */
class LimitReached extends Error {}

/** Maps string offsets to 1-based line and column (column counted in UTF-16 units). */
class LineTable {
  private readonly starts: number[] = [0];
  constructor(
    private readonly file: string,
    source: string,
  ) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 0x0a || (c === 0x0d && source.charCodeAt(i + 1) !== 0x0a)) this.starts.push(i + 1);
    }
  }
  at(offset: number): SourcePos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

/** Start offset of an attribute's name, given the offset just past its closing quote. */
function attributeStart(source: string, end: number, name: string): number {
  const quote = source[end - 1];
  let i = quote === undefined ? end : source.lastIndexOf(quote, end - 2);
  i--;
  while (i > 0 && /[\s=]/.test(source[i] ?? "")) i--;
  return Math.max(0, i + 1 - name.length);
}

/** Parses `source` (the text of `file`) into an element tree, or returns every XML error found. */
export function parseXmlTree(source: string, file: string): XmlParseResult {
  const lines = new LineTable(file, source);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const errors: Diagnostic[] = [];
  const stack: MutableElement[] = [];
  const attrPos = new Map<string, SourcePos>();
  let root: MutableElement | undefined;
  let tagStart = 0;
  let textStart = 0;

  // saxes keeps going after a syntax error and may repeat it at every following character; one
  // error per line keeps the report readable without hiding errors on later lines.
  parser.on("error", (err: Error) => {
    const last = errors[errors.length - 1];
    if (last && last.pos.line === parser.line) return;
    const message = err.message.replace(/^(.*?:)?\d+:\d+: /, "");
    errors.push({ pos: { file, line: parser.line, column: parser.column + 1 }, message: `XML is not well formed: ${message}` });
  });
  let elements = 0;
  const limit = (message: string): never => {
    errors.push({ pos: lines.at(tagStart), message });
    throw new LimitReached(message);
  };
  parser.on("opentagstart", (tag) => {
    // saxes has consumed the character that ended the name: "<" + name + that character.
    tagStart = parser.position - tag.name.length - 2;
    attrPos.clear();
    if (stack.length >= MAX_XML_DEPTH) limit(`elements are nested more than ${MAX_XML_DEPTH} deep`);
    if (++elements > MAX_XML_ELEMENTS) limit(`the file has more than ${MAX_XML_ELEMENTS} elements`);
  });
  parser.on("attribute", (attr) => {
    attrPos.set(attr.name, lines.at(attributeStart(source, parser.position, attr.name)));
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const el: MutableElement = {
      local: tag.local,
      ns: tag.uri,
      qname: tag.name,
      attributes: collectAttributes(tag, attrPos, lines.at(tagStart)),
      children: [],
      text: "",
      textPos: undefined,
      pos: lines.at(tagStart),
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root ??= el;
    stack.push(el);
    textStart = parser.position;
  });
  parser.on("closetag", () => {
    stack.pop();
    textStart = parser.position;
  });
  const onText = (text: string, startOffset: number): void => {
    const el = stack[stack.length - 1];
    if (!el) return;
    const firstNonBlank = text.search(/\S/);
    if (firstNonBlank >= 0 && el.textPos === undefined) el.textPos = lines.at(startOffset + firstNonBlank);
    el.text += text;
  };
  // saxes reports text when it ends (one handler per event); remember where each text run begins.
  parser.on("text", (text) => onText(text, textStart));
  parser.on("cdata", (text) => onText(text, parser.position - text.length - 3));
  parser.on("processinginstruction", () => (textStart = parser.position));
  parser.on("comment", () => (textStart = parser.position));
  parser.on("xmldecl", () => (textStart = parser.position));

  try {
    parser.write(source).close();
  } catch (e) {
    if (!(e instanceof LimitReached)) throw e;
  }
  if (errors.length > 0) return { ok: false, errors };
  if (!root) return { ok: false, errors: [{ pos: { file, line: 1, column: 1 }, message: "the file has no root element" }] };
  return { ok: true, root };
}

function collectAttributes(tag: SaxesTagNS, positions: Map<string, SourcePos>, fallback: SourcePos): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  for (const attr of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (attr.uri === XMLNS_URI || attr.name === "xmlns") continue;
    out.push({ local: attr.local, ns: attr.uri, qname: attr.name, value: attr.value, pos: positions.get(attr.name) ?? fallback });
  }
  return out;
}
