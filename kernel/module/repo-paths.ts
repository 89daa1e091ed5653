// Paths of build products the kernel loads at run time, relative to the repository root (the folder
// that holds package.json). Where that root is on a host is the host's business (host/node/node-files.ts).
import { join } from "../host/posix-path";

/** libpv, which every PV partition maps, relative to the repository root. */
export const LIBPV_IMAGE = join("build", "guests", "paravirt-abi", "libpv", "libpv-O2.elf");
/** The XSD of the module XML and the schema it imports, relative to the repository root. */
export const MODULE_XSD = join("partitions", "schema", "apexvisor-653.xsd");
export const MODULE_XSD_IMPORTS: readonly string[] = [join("partitions", "schema", "apexvisor-ext.xsd")];
