// The guest-physical memory map an FV partition's configuration adds to its PC: its private READ_ONLY
// regions write-protected in RAM, and its apx:Shared regions mapped in the shared window above RAM. Not
// responsible for RAM size (module/partition-memory.ts) or for the PC's own device windows.
import type { PartitionConfig, SystemConfig } from "../config/model";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { readOnlyRanges } from "../module/partition-memory";
import type { PhysicalMemory } from "../mem/physical-memory";
import { sharedBlockMmio, sharedMappings, sharedMemoryOf, type SharedMapping } from "../mem/shared-memory";
import { guestPhys } from "../mem/types";

/**
 * Guest-physical base of an FV partition's shared window: the PV guest-virtual SHARED_BASE (0xE0000000), so one
 * RTOS finds its blocks at the same address on either kind. It lies above the largest RAM (512 MiB) and below the
 * I/O APIC (0xFEC00000) and local APIC (0xFEE00000) windows; the validator refuses a served MMIO window over it.
 */
export const FV_SHARED_BASE = PV_CONSTANTS.SHARED_BASE;
/** Most bytes of the window (the validator's MAX_SHARED_PER_PARTITION). */
export const FV_SHARED_MAX = PV_CONSTANTS.SHARED_MAX_SIZE;

/** One shared region of an FV partition at its guest-physical address. */
export interface FvSharedBlock extends SharedMapping {
  readonly address: number;
}

/** The partition's apx:Shared regions, one after another from FV_SHARED_BASE in configuration order. */
export function fvSharedBlocks(p: PartitionConfig): FvSharedBlock[] {
  let at = FV_SHARED_BASE;
  return sharedMappings(p.memory).map((m) => {
    const placed = { ...m, address: at };
    at += m.size;
    return placed;
  });
}

/**
 * Applies `p`'s memory map to a freshly built PC (after every boot, cold or warm): READ_ONLY private regions
 * (laid out in RAM in configuration order) are write-protected, and each shared block is mapped with the
 * module's backing (the same bytes as in every PV or FV partition that lists it), read-only where its Access
 * says so. Enforcement is the PC's (PhysicalMemory.writeProtected), whatever the guest's own page tables say.
 */
export function applyFvMemoryMap(mem: PhysicalMemory, p: PartitionConfig, config: SystemConfig | undefined): void {
  for (const r of readOnlyRanges(p)) mem.protectRam(guestPhys(r.start), guestPhys(r.end));
  const blocks = fvSharedBlocks(p);
  if (blocks.length === 0) return;
  // A shared block needs the module's backing; a lone machine (no module) has nothing to share with.
  if (config === undefined) throw new Error(`FV partition ${p.name} maps shared regions but has no module configuration`);
  const shared = sharedMemoryOf(config);
  for (const b of blocks) mem.mapMmio(guestPhys(b.address), b.size, sharedBlockMmio(shared.block(b.name)), !b.writable);
}
