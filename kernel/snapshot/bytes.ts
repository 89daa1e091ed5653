// Byte and text helpers for the snapshot codec without Node's Buffer, so the kernel core stays
// bundleable for the browser. Latin-1 here means one byte per character (ELF note owners, ASCII keys).

/** Characters 0..255 of `s` as bytes. */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes as characters 0..255. */
export function latin1String(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

const UTF8_OUT = new TextEncoder();
const UTF8_IN = new TextDecoder("utf-8");

/** UTF-8 bytes of `s`. */
export const utf8Bytes = (s: string): Uint8Array => UTF8_OUT.encode(s);
/** Text of UTF-8 bytes (invalid sequences become U+FFFD). */
export const utf8String = (b: Uint8Array): string => UTF8_IN.decode(b);

/** Bytes as lowercase hex. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += (c < 16 ? "0" : "") + c.toString(16);
  return s;
}

/** Bytes of an even-length lowercase hex string the caller has already checked. */
export function fromCheckedHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** First index of `needle` in `hay[0, limit)`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, limit = hay.length): number {
  const last = Math.min(limit, hay.length) - needle.length;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
