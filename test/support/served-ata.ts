// The ATA controller served by the ioserver partition (partitions/ioserver/ata.c) behind the table's
// AtaPorts: the real server image runs in a PV VM with a real IoreqHub; each port access is one ioreq
// the server serves in one pass at a time this harness sets (time stands still between accesses, as in
// the in-kernel harness; "settle" moves it 1 ms on). The client partition exists only in the XML: the
// harness issues its accesses to the hub directly and reads IRQ 14 from the hub's line.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { loadConfig } from "../../kernel/config/load";
import type { PartitionConfig } from "../../kernel/config/model";
import { BlockStore } from "../../kernel/disk/block-store";
import { NODE_HOST, REPO_ROOT } from "../../kernel/host/node/node-files";
import { IoreqDir } from "../../kernel/hypercall/generated/abi-generated";
import { IoreqHub, type ClientDevice } from "../../kernel/ioreq/ioreq-hub";
import { nanos, type Nanos } from "../../kernel/mem/types";
import type { KernelApi, PartitionVm } from "../../kernel/module/partition-vm";
import { createPvVm } from "../../kernel/pv/pv-vm";
import { ReturnCode } from "../../kernel/ports/return-codes";
import type { AtaPorts } from "./ata-spec-table";

export const IOSERVER_ELF = join(REPO_ROOT, "build", "guests", "partitions", "ioserver", "ioserver-O2.elf");

const XML = (dir: string) => `<?xml version="1.0"?>
<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1" ModuleName="served_ata">
  <Partition PartitionIdentifier="1" PartitionName="client">
    <apx:Guest Kind="FV" Image="${join(dir, "none.elf")}"><apx:Device Name="ata" Server="io"/></apx:Guest>
  </Partition>
  <Partition PartitionIdentifier="2" PartitionName="io">
    <apx:Guest Kind="PV" Image="${IOSERVER_ELF}" Binding="trap"/>
  </Partition>
  <Partition_Memory PartitionIdentifier="1"><Memory_Requirements RegionName="ram" Type="DATA" SizeBytes="0x400000" Access="READ_WRITE"/></Partition_Memory>
  <Partition_Memory PartitionIdentifier="2"><Memory_Requirements RegionName="ram" Type="DATA" SizeBytes="0x100000" Access="READ_WRITE"/></Partition_Memory>
  <Module_Schedule MajorFrameSeconds="0.0002">
    <Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.0002" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
    <Partition_Schedule PartitionIdentifier="2" PeriodSeconds="0.0002" PeriodDurationSeconds="0.0001">
      <Window_Schedule WindowIdentifier="2" WindowStartSeconds="0.0001" WindowDurationSeconds="0.0001" PartitionPeriodStart="true"/>
    </Partition_Schedule>
  </Module_Schedule>
</ARINC_653_Module>`;

/** The kernel services the server's calls reach (anything else is a harness bug and throws). */
function kernelApi(server: PartitionConfig, now: Nanos): KernelApi {
  const known: Partial<KernelApi> = { partition: server.id, now, setPartitionMode: () => ReturnCode.NO_ERROR, traceHypercall: () => undefined };
  return new Proxy(known as KernelApi, {
    get: (t, k) => {
      if (k in t) return (t as unknown as Record<string | symbol, unknown>)[k];
      throw new Error(`served-ata harness: the server used KernelApi.${String(k)}`);
    },
  });
}

/** A served-ATA placement over `disk` (whole sectors); `console` collects the server's own output. */
export function servedAta(disk: Uint8Array, tmpDir: string): { ports: AtaPorts; store: BlockStore; console: string[]; requests: () => number } {
  const file = join(tmpDir, "served-ata.xml");
  writeFileSync(file, XML(tmpDir));
  const loaded = loadConfig(file, NODE_HOST.files);
  if (!loaded.ok) throw new Error(`served-ata harness XML: ${JSON.stringify(loaded.errors)}`);
  const config = loaded.config;
  const [clientCfg, serverCfg] = config.partitions;
  if (clientCfg === undefined || serverCfg === undefined) throw new Error("served-ata harness: two partitions expected");
  let now = nanos(1_000_000n);
  let line = false;
  let requests = 0;
  const console: string[] = [];
  const hub = new IoreqHub(config.partitions, { now: () => now, windowId: () => 2, emit: () => undefined, console: () => undefined });
  const store = new BlockStore(disk.slice(), undefined);
  hub.disks.set(clientCfg.id, serverCfg.id, store);
  hub.setIrqSink(clientCfg.id, (irq, level) => {
    if (irq === 14) line = level;
  });
  const vm: PartitionVm = createPvVm({
    partition: serverCfg,
    config,
    console: (b) => console.push(Buffer.from(b).toString("latin1")),
    clockHz: config.ext.clockHz,
    libpvImage: new Uint8Array(readFileSync(NODE_HOST.libpvPath)),
    image: new Uint8Array(readFileSync(IOSERVER_ELF)),
    imagePath: IOSERVER_ELF,
    ioreq: hub,
  });
  /** One server pass at `now`: runs until the server yields its window. */
  const pass = (): void => {
    for (let guard = 0; guard < 10_000; guard++) {
      const slice = vm.run(10_000_000, now);
      const exit = slice.exit;
      if (exit.kind !== "hypercall") throw new Error(`served-ata harness: server exit ${JSON.stringify(exit)}`);
      const r = vm.serviceHypercall!(exit.vector, kernelApi(serverCfg, now));
      if (r.kind === "yieldWindow") return;
      if (r.kind !== "resume") throw new Error(`served-ata harness: server call ended ${JSON.stringify(r)}`);
    }
    throw new Error("served-ata harness: the server never yielded");
  };
  pass(); // boot: attach the ring, then the first (empty) pass
  const device: ClientDevice = hub.devicesOf(clientCfg.id)[0]!;
  const access = (port: number, size: 1 | 2 | 4, dir: IoreqDir, value: number): number => {
    requests++;
    hub.issue(clientCfg.id, device, port, size, dir, value, now);
    pass();
    const r = hub.takeResult(clientCfg.id, now);
    if (r === undefined) throw new Error(`served-ata harness: access to 0x${port.toString(16)} not served in one pass`);
    if (typeof r.data !== "number") throw new Error("served-ata harness: a string result for a single access");
    return r.data;
  };
  const ports: AtaPorts = {
    in: (port, size) => access(port, size, IoreqDir.IN, 0),
    out: (port, size, value) => void access(port, size, IoreqDir.OUT, value),
    settle: () => {
      now = nanos(now + 1_000_000n);
      pass();
    },
    irq: () => line,
    sector: (lba) => store.contents().subarray(lba * 512, lba * 512 + 512),
  };
  return { ports, store, console, requests: () => requests };
}
