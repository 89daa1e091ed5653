// The kernel's paravirt handler table: every service's handler, grouped by concern. The type
// PvHandlers (ServiceHandlers generated from abi.json) makes a missing handler a compile error.
import type { PvHandlers } from "../dispatcher";
import { resolveHandler } from "../resolver";
import { blockHandlers } from "./block";
import { coreHandlers } from "./core";
import { hmHandlers } from "./hm";
import { ioreqHandlers } from "./ioreq";
import { logbookHandlers } from "./logbook";
import { partitionHandlers } from "./partition";
import { portListHandlers } from "./port-list";
import { portHandlers } from "./ports";
import { virqHandlers } from "./virq";

/** One handler per live service. */
export const PV_HANDLERS: PvHandlers = {
  ...coreHandlers,
  resolve: resolveHandler,
  ...virqHandlers,
  ...partitionHandlers,
  ...portHandlers,
  ...portListHandlers,
  ...hmHandlers,
  ...logbookHandlers,
  ...ioreqHandlers,
  ...blockHandlers,
};
