// UTF-8 text cut to a byte budget for a fixed-size guest field: never in the middle of a character.

/** The UTF-8 bytes of `text`, at most `max` of them, ending on a character boundary. */
export function utf8Prefix(text: string, max: number): Uint8Array {
  const all = new TextEncoder().encode(text);
  if (all.length <= max) return all;
  let end = Math.max(0, max);
  while (end > 0 && (all[end]! & 0xc0) === 0x80) end--; // all[end] continues the character before it
  return all.subarray(0, end);
}
