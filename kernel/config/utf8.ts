// Strict UTF-8 decoding of a configuration file: the text, or where the first invalid byte is
// (1-based line and column, the column counted in characters as the XML reader counts them).
const FATAL = new TextDecoder("utf-8", { fatal: true });

/** The decoded text, or the position and value of the first byte that is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; value: string } | { ok: false; line: number; column: number; byte: number } {
  try {
    return { ok: true, value: FATAL.decode(bytes) };
  } catch {
    const bad = firstInvalid(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const nl = before.lastIndexOf("\n");
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 0x0a) line++;
    return { ok: false, line, column: before.length - nl, byte: bytes[bad] ?? 0 };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    const second = b[i + 1] ?? 0;
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f) || (c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return i;
    i += n + 1;
  }
  return b.length;
}
