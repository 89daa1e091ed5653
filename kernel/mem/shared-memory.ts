// The module's shared memory blocks (apx:Shared regions): one zero-filled backing store per shared
// name, the same bytes seen by every partition that maps it, and the MMIO view a partition's physical
// memory maps it through. Which partition may write is the page tables' business (pv-address-space.ts).
// Not responsible for placement in a guest's address space.
import type { MemoryRegionConfig, SystemConfig } from "../config/model";
import type { MmioHandler } from "./physical-memory";

/** One shared block's bytes. Invariant: `bytes.length` is the configured size (a multiple of 4 KiB). */
export interface SharedBlock {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A partition's view of one shared region, as configured for it. */
export interface SharedMapping {
  readonly name: string;
  readonly size: number;
  readonly writable: boolean;
}

/** The shared regions `memory` maps, in configuration order. */
export function sharedMappings(memory: readonly MemoryRegionConfig[]): SharedMapping[] {
  return memory.flatMap((m) => (m.shared === undefined ? [] : [{ name: m.shared, size: m.sizeBytes, writable: m.access === "READ_WRITE" }]));
}

/** Every shared block of one module, created from its configuration (the validator checked sizes agree). */
export class SharedMemory {
  private readonly blocks = new Map<string, SharedBlock>();

  constructor(config: SystemConfig) {
    for (const p of config.partitions) {
      for (const m of sharedMappings(p.memory)) {
        if (!this.blocks.has(m.name)) this.blocks.set(m.name, { name: m.name, bytes: new Uint8Array(m.size) });
      }
    }
  }

  /** Every block, in configuration order (snapshots save and restore them by name). */
  all(): SharedBlock[] {
    return [...this.blocks.values()];
  }

  /** The block called `name`; a name the configuration does not share is a host bug. */
  block(name: string): SharedBlock {
    const b = this.blocks.get(name);
    if (b === undefined) throw new Error(`no shared block ${name}`);
    return b;
  }
}

const PER_MODULE = new WeakMap<SystemConfig, SharedMemory>();

/** The shared blocks of the module `config` describes: one set per configuration object, so every
 * partition of a run (and each of its restarts) maps the same bytes. */
export function sharedMemoryOf(config: SystemConfig): SharedMemory {
  let s = PER_MODULE.get(config);
  if (s === undefined) {
    s = new SharedMemory(config);
    PER_MODULE.set(config, s);
  }
  return s;
}

/** Byte-addressed little-endian access to a block, for PhysicalMemory.mapMmio. */
export function sharedBlockMmio(block: SharedBlock): MmioHandler {
  const b = block.bytes;
  return {
    read(offset: number, size: 1 | 2 | 4): number {
      let v = 0;
      for (let i = 0; i < size; i++) v |= (b[offset + i] ?? 0xff) << (8 * i);
      return size === 4 ? v >>> 0 : v;
    },
    write(offset: number, size: 1 | 2 | 4, value: number): void {
      for (let i = 0; i < size && offset + i < b.length; i++) b[offset + i] = (value >>> (8 * i)) & 0xff;
    },
  };
}
