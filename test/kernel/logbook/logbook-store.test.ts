// The logbook store's return-code rules and its survival of partition restarts (pure, no guest).
import { expect } from "chai";
import type { LogbookConfig } from "../../../kernel/config/model";
import { LOGBOOK_MAX_MESSAGE, LogbookStore, type LogbookRequest } from "../../../kernel/logbook/logbook-store";
import { PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { partitionId } from "../../../kernel/mem/types";
import { ReturnCode, toReturnCode } from "../../../kernel/ports/return-codes";

const P1 = partitionId(1);
const P2 = partitionId(2);
const POS = { file: "m.xml", line: 1, column: 1 };
const BOOKS: LogbookConfig[] = [
  { name: "faults", owner: P1, maxNbLogged: 3, maxNbInProgress: 1, pos: POS },
  { name: "other", owner: P2, maxNbLogged: 2, maxNbInProgress: 1, pos: POS },
];
const REQ: LogbookRequest = { name: "faults", maxMessageSize: 16, maxNbLogged: 3, maxNbInProgress: 1 };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const rc = (r: { outcome: Parameters<typeof toReturnCode>[0] }): number => toReturnCode(r.outcome);

function created(): { store: LogbookStore; id: number } {
  const store = new LogbookStore(BOOKS);
  const r = store.create(P1, "COLD_START", REQ);
  if (!("id" in r)) throw new Error(r.outcome);
  return { store, id: r.id };
}

describe("kernel/logbook/logbook-store", () => {
  it("agrees with the ABI's LOGBOOK_MAX_MESSAGE", () => {
    expect(LOGBOOK_MAX_MESSAGE).to.equal(PV_CONSTANTS.LOGBOOK_MAX_MESSAGE);
  });

  it("CREATE_LOGBOOK: mode, parameter, configuration and repeat rules", () => {
    const s = new LogbookStore(BOOKS);
    expect(rc(s.create(P1, "NORMAL", REQ))).to.equal(ReturnCode.INVALID_MODE);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, maxMessageSize: 0 }))).to.equal(ReturnCode.INVALID_PARAM);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, maxNbInProgress: 0 }))).to.equal(ReturnCode.INVALID_PARAM);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, name: "nope" }))).to.equal(ReturnCode.INVALID_CONFIG);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, name: "other" })), "another partition's logbook").to.equal(ReturnCode.INVALID_CONFIG);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, maxNbLogged: 4 }))).to.equal(ReturnCode.INVALID_CONFIG);
    expect(rc(s.create(P1, "COLD_START", { ...REQ, maxMessageSize: LOGBOOK_MAX_MESSAGE + 1 }))).to.equal(ReturnCode.INVALID_CONFIG);
    expect(s.create(P1, "WARM_START", REQ)).to.deep.equal({ outcome: "ok", id: 1 });
    expect(s.create(P1, "WARM_START", REQ)).to.deep.equal({ outcome: "noChange", id: 1 });
    expect(s.create(P2, "COLD_START", { ...REQ, name: "other", maxNbLogged: 2 })).to.deep.equal({ outcome: "ok", id: 2 });
  });

  it("WRITE/READ: length rules, 1 = oldest, a full logbook drops its oldest message", () => {
    const { store, id } = created();
    expect(rc({ outcome: store.write(P1, id, new Uint8Array(0)) })).to.equal(ReturnCode.INVALID_PARAM);
    expect(rc({ outcome: store.write(P1, id, new Uint8Array(17)) })).to.equal(ReturnCode.INVALID_CONFIG);
    expect(rc({ outcome: store.write(P2, id, text("x")) }), "not the owner").to.equal(ReturnCode.INVALID_PARAM);
    for (const m of ["a", "b", "c", "d"]) expect(store.write(P1, id, text(m))).to.equal("ok");
    expect(store.status(P1, id)).to.deep.include({ nbLogged: 3, nbInProgress: 0, nbOverwritten: 1, maxMessageSize: 16 });
    expect(store.read(P1, id, 1).message).to.deep.equal(text("b"));
    expect(store.read(P1, id, 3).message).to.deep.equal(text("d"));
    expect(rc(store.read(P1, id, 4))).to.equal(ReturnCode.NOT_AVAILABLE);
    expect(rc(store.read(P1, id, 0))).to.equal(ReturnCode.INVALID_PARAM);
    expect(rc(store.read(P1, 9, 1))).to.equal(ReturnCode.INVALID_PARAM);
  });

  it("keeps a private copy of each message", () => {
    const { store, id } = created();
    const buf = text("abc");
    store.write(P1, id, buf);
    buf[0] = 0x7a;
    expect(store.read(P1, id, 1).message).to.deep.equal(text("abc"));
  });

  it("survives a restart of its owner: created again, the messages are still there; the size is fixed", () => {
    const { store, id } = created();
    store.write(P1, id, text("before"));
    store.resetPartition(P1);
    expect(rc(store.idOf(P1, "faults")), "forgotten until created again").to.equal(ReturnCode.INVALID_CONFIG);
    expect(rc({ outcome: store.write(P1, id, text("x")) })).to.equal(ReturnCode.INVALID_PARAM);
    expect(rc(store.create(P1, "COLD_START", { ...REQ, maxMessageSize: 32 })), "size fixed by the first creation").to.equal(ReturnCode.INVALID_CONFIG);
    expect(store.create(P1, "COLD_START", REQ)).to.deep.equal({ outcome: "ok", id });
    expect(store.read(P1, id, 1).message).to.deep.equal(text("before"));
    store.resetPartition(P2);
    expect(store.status(P1, id)?.nbLogged, "another partition's restart changes nothing").to.equal(1);
  });

  it("CLEAR_LOGBOOK erases the messages and keeps the logbook", () => {
    const { store, id } = created();
    store.write(P1, id, text("a"));
    expect(store.clear(P1, id)).to.equal("ok");
    expect(store.status(P1, id)).to.deep.include({ nbLogged: 0, nbOverwritten: 0 });
    expect(store.idOf(P1, "faults")).to.deep.equal({ outcome: "ok", id });
    expect(rc({ outcome: store.clear(P2, id) })).to.equal(ReturnCode.INVALID_PARAM);
  });
});
