// The 256-bit vector registers of the local APIC (IRR, ISR, TMR; Intel SDM vol. 3 section 11.8.4):
// bit n stands for vector n, stored as eight 32-bit words as the guest reads them. No priority logic.

/** A 256-bit set of interrupt vectors, word i holding vectors 32*i .. 32*i+31. */
export class VectorBits {
  private readonly words = new Uint32Array(8);

  /** Marks `vector` (0..255). */
  set(vector: number): void {
    this.words[vector >>> 5] = (this.words[vector >>> 5] ?? 0) | (1 << (vector & 31));
  }

  /** Unmarks `vector`. */
  clear(vector: number): void {
    this.words[vector >>> 5] = (this.words[vector >>> 5] ?? 0) & ~(1 << (vector & 31));
  }

  /** Whether `vector` is marked. */
  has(vector: number): boolean {
    return (((this.words[vector >>> 5] ?? 0) >>> (vector & 31)) & 1) === 1;
  }

  /** The highest marked vector, or -1 when none is. */
  highest(): number {
    for (let i = 7; i >= 0; i--) {
      const w = this.words[i] ?? 0;
      if (w !== 0) return i * 32 + 31 - Math.clz32(w);
    }
    return -1;
  }

  /** Word `index` (0..7) as an unsigned 32-bit value. */
  word(index: number): number {
    return this.words[index] ?? 0;
  }

  /** The eight words, for saving. */
  toArray(): number[] {
    return Array.from(this.words);
  }

  /** Replaces the contents with eight saved words. */
  load(words: readonly number[]): void {
    for (let i = 0; i < 8; i++) this.words[i] = words[i] ?? 0;
  }

  /** Unmarks everything. */
  clearAll(): void {
    this.words.fill(0);
  }
}
