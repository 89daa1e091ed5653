import { expect } from "chai";
import { BlockStore } from "../../../kernel/disk/block-store";
import { PvError } from "../../../kernel/hypercall/generated/abi-generated";
import { ServedDisks } from "../../../kernel/ioreq/served-disks";
import { partitionId } from "../../../kernel/mem/types";

const SERVER = partitionId(9);
const CLIENT = partitionId(1);

function disks(): { d: ServedDisks; store: BlockStore } {
  const image = new Uint8Array(10 * 512);
  for (let i = 0; i < image.length; i++) image[i] = (i >>> 9) + 1;
  const store = new BlockStore(image, undefined);
  const d = new ServedDisks();
  d.set(CLIENT, SERVER, store);
  return { d, store };
}

describe("kernel/ioreq/served-disks (the block services' checks)", () => {
  it("reads and writes whole sectors of the client's disk for its server; writes stay in the copy-on-write overlay", () => {
    const { d, store } = disks();
    expect(d.info(SERVER, CLIENT)).to.equal(10);
    const r = d.read(SERVER, CLIENT, 2, 1024);
    expect(r instanceof Uint8Array && [r[0], r[511], r[512], r[1023]]).to.deep.equal([3, 3, 4, 4]);
    expect(d.write(SERVER, CLIENT, 9, new Uint8Array(512).fill(0xee))).to.equal(PvError.OK);
    expect(store.written().map((w) => w.lba)).to.deep.equal([9]);
    expect(d.flush(SERVER, CLIENT)).to.equal(PvError.OK); // copy-on-write: nothing to do
    expect(store.dirtySectors).to.equal(1);
  });

  it("refuses another partition, a client without a disk, bad lengths and sectors past the end", () => {
    const { d, store } = disks();
    expect(d.info(partitionId(8), CLIENT)).to.equal(PvError.EINVAL); // not the server the XML names
    expect(d.info(SERVER, 2)).to.equal(PvError.EINVAL); // no served disk
    expect(d.read(SERVER, CLIENT, 0, 0)).to.equal(PvError.EINVAL);
    expect(d.read(SERVER, CLIENT, 0, 511)).to.equal(PvError.EINVAL);
    expect(d.read(SERVER, CLIENT, 0, 8192 + 512)).to.equal(PvError.EINVAL);
    expect(d.read(SERVER, CLIENT, 9, 1024)).to.equal(PvError.ECONFIG);
    expect(d.read(SERVER, CLIENT, 0xffff_ffff, 512)).to.equal(PvError.ECONFIG);
    expect(d.write(SERVER, CLIENT, 10, new Uint8Array(512))).to.equal(PvError.ECONFIG);
    expect(d.write(partitionId(8), CLIENT, 0, new Uint8Array(512))).to.equal(PvError.EINVAL);
    expect(d.flush(partitionId(8), CLIENT)).to.equal(PvError.EINVAL);
    expect(store.writes).to.equal(0);
  });

  it("save -> restore carries the unflushed sectors; a saved sector that does not fit is refused before anything changes", () => {
    const a = disks();
    a.d.write(SERVER, CLIENT, 4, new Uint8Array(512).fill(7));
    const saved = a.d.save();
    const b = disks();
    expect(b.d.checkSaved(saved)).to.equal(null);
    b.d.restore(saved);
    expect(b.store.contents()).to.deep.equal(a.store.contents());
    expect(b.d.checkSaved([{ client: CLIENT, written: [{ lba: 10, bytes: new Uint8Array(512) }] }])).to.match(/sector 10 does not fit/);
    expect(b.d.checkSaved([{ client: partitionId(3), written: [] }])).to.match(/partition 3 has no served disk/);
  });
});
