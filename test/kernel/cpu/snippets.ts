// Test support: tiny i386 assembler-free helpers (byte arrays) and register presets for runSnippet.
import type { SnippetRegs } from "../../support/cpu-harness";

/** All registers zero, EFLAGS = 2 (ESP defaults to STACK_TOP). */
export const ZERO: SnippetRegs = { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0, ebp: 0, esi: 0, edi: 0, eflags: 2 };

/** Registers from ZERO with overrides. */
export function regs(over: Partial<SnippetRegs>): SnippetRegs {
  return { ...ZERO, ...over };
}

/** Bytes from a list of numbers and little-endian dword markers. */
export function bytes(...parts: (number | number[])[]): Uint8Array {
  return new Uint8Array(parts.flat());
}

/** A little-endian 32-bit immediate. */
export function d32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
