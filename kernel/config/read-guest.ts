// Reads apexvisor's per-partition extension element apx:Guest (guest kind, image, ABI binding, FV
// devices, kernel format, initrd, command line, multiboot modules) and applies the defaults a standard file gets.
import { dirname, isAbsolute, join } from "../host/posix-path";
import { checkDeviceList } from "../machine/device-catalog";
import { isaLineOwner } from "./check-apx-irq";
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import { servedDevice } from "../ioreq/served-devices";
import { assignableDevice } from "../pv/assignable-devices";
import type { AbiBinding, AssignedDeviceConfig, GuestKind, KernelFormat, PartitionGuestConfig, ServedDeviceConfig } from "./model";
import { APX_NS } from "./namespaces";
import type { XmlElement } from "./xml-tree";

/** Guest kinds accepted by apx:Guest/@Kind. */
export const GUEST_KINDS: readonly GuestKind[] = ["PV", "FV"];
/** Kernel formats accepted by apx:Guest/@Format. */
export const KERNEL_FORMATS: readonly KernelFormat[] = ["auto", "multiboot", "linux"];
/** ABI bindings accepted by apx:Guest/@Binding. */
export const ABI_BINDINGS: readonly AbiBinding[] = ["trap", "jumptable", "jumptable-eager", "linked"];

const DEVICE_SHAPE = /^[a-z][a-z0-9_]*(@(0x[0-9a-f]+|[0-9]+))?$/i;

/** What a partition gets when it has no apx:Guest: a PV guest on the trap binding, no image yet. */
export const DEFAULT_GUEST: PartitionGuestConfig = {
  kind: "PV",
  image: undefined,
  binding: "trap",
  devices: [],
  commandLine: "",
  modules: [],
  pos: undefined,
};

/** Resolves a path from the XML against the XML file's folder (pure string work, no file access). */
export function resolveAgainst(file: string, p: string): string {
  return isAbsolute(p) ? p : join(dirname(file), p);
}

/** Reads an apx:Guest element (or returns the defaults when `el` is undefined). */
export function readGuest(el: XmlElement | undefined, file: string, sink: DiagnosticSink): PartitionGuestConfig {
  if (!el) return DEFAULT_GUEST;
  const r = new ElementReader(el, sink);
  const kind = r.enumOf("Kind", GUEST_KINDS, false) ?? "PV";
  const image = r.string("Image", false);
  const bindingAttr = r.attribute("Binding");
  const binding = r.enumOf("Binding", ABI_BINDINGS, false) ?? "trap";
  const commandLine = r.string("CommandLine", false) ?? "";
  const formatAttr = r.attribute("Format");
  const format = r.enumOf("Format", KERNEL_FORMATS, false) ?? "auto";
  const initrd = r.string("Initrd", false);
  if (initrd !== undefined && initrd.trim() === "") r.error("apx:Guest has an empty Initrd; give the path of the initial RAM disk or leave Initrd out");
  const serverDeadlineWindows = r.int("ServerDeadlineWindows", false, { min: 1, max: 1000 });
  if (image !== undefined && image.trim() === "") r.error("apx:Guest has an empty Image; give the path of the guest ELF or leave Image out");
  const groups = r.children([
    { local: "Device", ns: APX_NS, min: 0, max: Infinity },
    { local: "MultibootModule", ns: APX_NS, min: 0, max: Infinity },
  ]);
  r.finish();
  const devices: string[] = [];
  let drive: { path: string; persist: boolean } | undefined;
  const served: ServedDeviceConfig[] = [];
  const assigned: AssignedDeviceConfig[] = [];
  let apxIrq: { readonly irq: number; readonly pos: XmlElement["pos"] } | undefined;
  for (const d of groups.get("apx:Device") ?? []) {
    const dr = new ElementReader(d, sink);
    const name = dr.string("Name", true);
    const server = dr.string("Server", false);
    const diskImage = dr.string("Image", false);
    const persistAttr = dr.attribute("Persist");
    const persist = dr.bool("Persist", false);
    const assign = dr.bool("Assign", false) === true;
    const mmio = dr.bool("Mmio", false);
    const irq = dr.int("Irq", false, { max: 15 });
    dr.finish();
    if (name === undefined) continue;
    if (assign) {
      // A kernel-emulated device given to a PV partition: its ports through the TSS I/O bitmap, its IRQ as a virq.
      const spec = DEVICE_SHAPE.test(name) ? assignableDevice(name) : `apx:Device Name "${name}" is not a device name`;
      if (server !== undefined) dr.error(`device "${name}" is either served by a partition (Server) or assigned to this one (Assign), not both`);
      else if (typeof spec === "string") dr.error(spec);
      else if (assigned.some((a) => a.name.toLowerCase() === name.toLowerCase())) dr.error(`device "${name}" is listed twice in this partition`);
      else assigned.push({ name, pos: d.pos });
      continue;
    }
    // Only the ATA controller has a disk, and it needs one: Image names the file, Persist writes it back.
    const isAta = name.toLowerCase() === "ata";
    // (A served ata, Server="...", may name its Image too; the kernel builds no controller for it.)
    if (isAta && server === undefined && (diskImage === undefined || diskImage.trim() === "")) dr.error('apx:Device Name="ata" needs Image="FILE", the disk image of its master disk');
    else if (isAta && diskImage !== undefined) drive = { path: resolveAgainst(file, diskImage), persist };
    if (!isAta && (diskImage !== undefined || persistAttr)) dr.error(`apx:Device "${name}" has no disk; Image and Persist belong to Name="ata"`);
    if (server !== undefined) {
      const at = { ...(mmio ? { mmio } : {}), ...(irq !== undefined ? { irq } : {}) };
      const spec = DEVICE_SHAPE.test(name) ? servedDevice(name, at) : `apx:Device Name "${name}" is not a device name`;
      if (typeof spec === "string") dr.error(spec);
      else if (served.some((s) => s.name === name) || devices.includes(name)) dr.error(`device "${name}" is listed twice in this partition`);
      else served.push({ name, server, ...at, pos: d.pos });
      continue;
    }
    // The service device's Irq is the line of its HM upcall (kernel/devices/apx-services.md), checked below.
    if (irq !== undefined && name.toLowerCase() === "apx_services" && !mmio) apxIrq = { irq, pos: d.pos };
    else if (mmio || irq !== undefined) dr.error(`apx:Device "${name}": Mmio and Irq place a device served by a partition (Server="..."); an in-kernel device has its PC address`);
    if (!DEVICE_SHAPE.test(name)) {
      dr.error(`apx:Device Name "${name}" is not a device name; write a chip name with an optional base, like "uart16550@0x3f8"`);
    } else if (devices.includes(name)) {
      dr.error(`device "${name}" is listed twice in this partition`);
    } else {
      const alone = checkDeviceList([name], true);
      if (alone.ok) devices.push(name);
      else for (const e of alone.errors) dr.error(e);
    }
  }
  const whole = checkDeviceList(devices);
  if (!whole.ok) for (const e of whole.errors) r.error(e);
  const servedSpecs = served.flatMap((s) => {
    const spec = servedDevice(s.name, { ...(s.mmio === true ? { mmio: true } : {}), ...(s.irq !== undefined ? { irq: s.irq } : {}) });
    return typeof spec === "string" ? [] : [spec];
  });
  const lineOwner = apxIrq === undefined ? undefined : isaLineOwner(apxIrq.irq, devices, servedSpecs);
  const noPic = apxIrq !== undefined && !devices.some((d) => d.toLowerCase() === "pic8259");
  if (noPic && apxIrq !== undefined) sink.error(apxIrq.pos, 'apx:Device "apx_services": Irq needs the PC\'s interrupt controller; add <apx:Device Name="pic8259"/>');
  if (apxIrq !== undefined && lineOwner !== undefined) {
    sink.error(apxIrq.pos, `apx:Device "apx_services": Irq ${apxIrq.irq} is the line of device "${lineOwner}" in this partition; give the HM upcall a free ISA line`);
  }
  const modules: string[] = [];
  for (const m of groups.get("apx:MultibootModule") ?? []) {
    const mr = new ElementReader(m, sink);
    const p = mr.string("Path", true);
    mr.finish();
    if (p !== undefined) modules.push(resolveAgainst(file, p));
  }
  if (kind === "PV" && served.length > 0) r.error("a PV guest has no emulated devices to serve; Server applies to apx:Device entries of FV partitions");
  if (kind === "PV" && devices.length > 0) r.error("a PV guest has no emulated devices; remove the apx:Device elements, set Kind=\"FV\", or give the partition a kernel device with Assign=\"true\"");
  if (kind === "FV" && assigned.length > 0) r.error("device assignment (Assign=\"true\") is for PV partitions; an FV partition's apx:Device entries are its own PC's devices, so remove Assign");
  if (kind === "PV" && modules.length > 0) r.error("multiboot modules are for FV guests; remove the apx:MultibootModule elements or set Kind=\"FV\"");
  if (kind === "PV" && formatAttr) r.error("Format names how an FV guest's kernel boots; a PV guest is an ELF image, so remove Format");
  if (kind === "PV" && initrd !== undefined) r.error("Initrd belongs to a Linux kernel in an FV partition; remove it or set Kind=\"FV\"");
  if (format === "multiboot" && initrd !== undefined) r.error('a Multiboot kernel gets no Initrd; give its files as apx:MultibootModule elements, or set Format="linux"');
  if (format === "linux" && modules.length > 0) r.error('a Linux kernel takes one initial RAM disk: use Initrd="FILE" instead of apx:MultibootModule');
  if (format === "auto" && initrd !== undefined && modules.length > 0) r.error("give either Initrd (a Linux kernel) or apx:MultibootModule elements (a Multiboot kernel), not both");
  if (kind === "FV" && bindingAttr) r.error("Binding applies to PV guests only; an FV guest runs unmodified code, so remove Binding");
  return {
    kind,
    image: image === undefined || image.trim() === "" ? undefined : resolveAgainst(file, image),
    binding,
    devices,
    commandLine,
    modules,
    pos: el.pos,
    ...(kind === "FV" && format !== "auto" ? { format } : {}),
    ...(kind === "FV" && initrd !== undefined && initrd.trim() !== "" ? { initrd: resolveAgainst(file, initrd) } : {}),
    ...(drive !== undefined ? { drive } : {}),
    ...(served.length > 0 ? { served } : {}),
    ...(assigned.length > 0 ? { assigned } : {}),
    ...(serverDeadlineWindows !== undefined ? { serverDeadlineWindows } : {}),
    ...(apxIrq !== undefined && lineOwner === undefined && !noPic ? { apxIrq: apxIrq.irq } : {}),
  };
}
