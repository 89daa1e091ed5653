// The disks of served ATA controllers, as the block services (block_info/read/write/flush) reach them:
// each disk belongs to one client's `apx:Device Name="ata" Server=... Image=...` and only that entry's
// server may touch it. Every argument a server passes is checked here (ownership, sector range, length);
// a refusal is a PV error code for the server, never a host exception. Not responsible for the guest
// buffer (the handler copies it) or for opening the file (kernel/disk/open-disks.ts).
import { lba, SECTOR_BYTES, type BlockStore } from "../disk/block-store";
import { PvError } from "../hypercall/generated/abi-generated";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import type { PartitionId } from "../mem/types";

/** Why a block request was refused (the service's error code). */
export type BlockRefused = PvError.EINVAL | PvError.ECONFIG | PvError.EUNAVAIL;

interface ServedDisk {
  readonly server: PartitionId;
  readonly store: BlockStore;
}

/** The unflushed sectors of one client's disk, for the module snapshot. */
export interface SavedDisk {
  readonly client: PartitionId;
  readonly written: readonly { readonly lba: number; readonly bytes: Uint8Array }[];
}

/** Disks by client partition. */
export class ServedDisks {
  private readonly disks = new Map<PartitionId, ServedDisk>();

  /** The client's served ata has `store` as its disk, reached by `server` only (the FV VM calls this once). */
  set(client: PartitionId, server: PartitionId, store: BlockStore): void {
    this.disks.set(client, { server, store });
  }

  /** The disk `server` may reach for `client`, or undefined (not its disk, or no Image). */
  private owned(server: PartitionId, client: number): BlockStore | undefined {
    const d = this.disks.get(client as PartitionId);
    return d !== undefined && d.server === server ? d.store : undefined;
  }

  /** Sectors of the disk (block_info). */
  info(server: PartitionId, client: number): number | PvError.EINVAL {
    return this.owned(server, client)?.sectors ?? PvError.EINVAL;
  }

  /** The checks block_read and block_write share: the store, or why not. */
  private check(server: PartitionId, client: number, first: number, bytes: number): BlockStore | BlockRefused {
    const store = this.owned(server, client);
    if (store === undefined) return PvError.EINVAL;
    if (bytes === 0 || bytes % SECTOR_BYTES !== 0 || bytes > PV_CONSTANTS.BLOCK_MAX_BYTES) return PvError.EINVAL;
    if (first + bytes / SECTOR_BYTES > store.sectors) return PvError.ECONFIG;
    return store;
  }

  /** Sectors from `first` as bytes (block_read). */
  read(server: PartitionId, client: number, first: number, bytes: number): Uint8Array | BlockRefused {
    const store = this.check(server, client, first, bytes);
    if (typeof store === "number") return store;
    const out = new Uint8Array(bytes);
    for (let i = 0; i < bytes / SECTOR_BYTES; i++) {
      const refused = store.read(lba(first + i), out, i * SECTOR_BYTES);
      if (refused !== null) throw new Error(`served disk read past a checked range: ${JSON.stringify(refused)}`);
    }
    return out;
  }

  /** Writes `data` (whole sectors) from sector `first` (block_write). */
  write(server: PartitionId, client: number, first: number, data: Uint8Array): PvError.OK | BlockRefused {
    const store = this.check(server, client, first, data.length);
    if (typeof store === "number") return store;
    for (let i = 0; i < data.length / SECTOR_BYTES; i++) {
      const refused = store.write(lba(first + i), data, i * SECTOR_BYTES);
      if (refused !== null) throw new Error(`served disk write past a checked range: ${JSON.stringify(refused)}`);
    }
    return PvError.OK;
  }

  /** Writes a persistent disk back (block_flush); nothing to do for a copy-on-write one. */
  flush(server: PartitionId, client: number): PvError.OK | BlockRefused {
    const store = this.owned(server, client);
    if (store === undefined) return PvError.EINVAL;
    return store.flush().ok ? PvError.OK : PvError.EUNAVAIL;
  }

  /** Every disk's unflushed sectors, by client id. */
  save(): SavedDisk[] {
    return [...this.disks.entries()].sort(([a], [b]) => a - b).map(([client, d]) => ({ client, written: d.store.written() }));
  }

  /** Checks saved sectors against the disks: an error line, or null. */
  checkSaved(saved: readonly SavedDisk[]): string | null {
    for (const s of saved) {
      const d = this.disks.get(s.client);
      if (d === undefined) return `kernel note ioreq: partition ${s.client} has no served disk`;
      for (const w of s.written) if (w.lba >= d.store.sectors || w.bytes.length !== SECTOR_BYTES) return `kernel note ioreq: sector ${w.lba} does not fit the disk of partition ${s.client}`;
    }
    return null;
  }

  /** Restores what save() gave (checked by checkSaved). */
  restore(saved: readonly SavedDisk[]): void {
    for (const s of saved) this.disks.get(s.client)?.store.replaceWritten(s.written);
  }
}
