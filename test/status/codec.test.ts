import {
  compressStatusList,
  decodeBase64url,
  decompressStatusList,
  encodeBase64url,
  readStatus,
  readStatusBits,
  type StatusListBits,
  StatusListCorrupt,
  statusCapacity,
  writeStatus,
} from "@tokenmint/verifier/status";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const hexToBase64url = (hex: string) =>
  encodeBase64url(Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));

// draft-ietf-oauth-status-list-20 section 4.1: the two worked examples, with their compressed hex.
const SMALL = [
  {
    bits: 1 as const,
    bytes: [0xb9, 0xa3],
    compressedHex: "78dadbb918000217015d",
    statuses: [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1],
  },
  {
    bits: 2 as const,
    bytes: [0xc9, 0x44, 0xf9],
    compressedHex: "78da3be9f2130003df0207",
    statuses: [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3],
  },
];

// Appendix "Test vectors for Status List encoding": 2^20 entries, all 0 except these. The draft's
// markdown includes the JSON from examples/status_list_encoding{1,2}_long_json.md of
// github.com/oauth-wg/draft-ietf-oauth-status-list; the `lst` lines below are copied verbatim from there
// (commit b101e6c), one array element per line of the published JSON.
const LONG = [
  {
    bits: 1 as const,
    set: {
      0: 1,
      1993: 1,
      25460: 1,
      159495: 1,
      495669: 1,
      554353: 1,
      645645: 1,
      723232: 1,
      854545: 1,
      934534: 1,
      1000345: 1,
    } as Record<number, number>,
    lst: [
      "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogE",
      "AAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAA",
      "A7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAA",
      "ACAZC8L2AEb",
    ].join(""),
  },
  {
    bits: 2 as const,
    set: {
      0: 1,
      1993: 2,
      25460: 1,
      159495: 3,
      495669: 1,
      554353: 1,
      645645: 2,
      723232: 1,
      854545: 1,
      934534: 2,
      1000345: 3,
    } as Record<number, number>,
    lst: [
      "eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGV",
      "IAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5WwIAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAID0ugQAAAAAAAAAAAAAAAAAQG12SgAAA",
      "AAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9S",
      "wIAAAAAAAAAAAAAAAAAAACoYUoAAAAAAAAAAAAAAEBqH81gAQw",
    ].join(""),
  },
];

describe("status list codec: the draft's worked examples (section 4.1)", () => {
  for (const vector of SMALL) {
    const lst = hexToBase64url(vector.compressedHex);

    it(`${vector.bits}-bit: the spec's exact lst decodes to the spec's exact bytes and statuses`, async () => {
      const bytes = await decompressStatusList(lst, 1024);
      expect([...bytes]).toEqual(vector.bytes);
      const read = vector.statuses.map((_, idx) => readStatus(bytes, vector.bits, idx));
      expect(read).toEqual(vector.statuses);
    });

    it(`${vector.bits}-bit: writing the spec's statuses gives the spec's bytes, which round-trip`, async () => {
      const bytes = new Uint8Array(vector.bytes.length);
      for (const [idx, status] of vector.statuses.entries()) {
        writeStatus(bytes, vector.bits, idx, status);
      }
      expect([...bytes]).toEqual(vector.bytes);
      const ours = await compressStatusList(bytes);
      expect([...(await decompressStatusList(ours, 1024))]).toEqual(vector.bytes);
    });
  }

  it("the lst spellings published alongside the draft are the same bytes", () => {
    expect(hexToBase64url("78dadbb918000217015d")).toBe("eNrbuRgAAhcBXQ");
    expect(hexToBase64url("78da3be9f2130003df0207")).toBe("eNo76fITAAPfAgc");
  });
});

describe("status list codec: the draft's appendix test vectors (2^20 entries)", () => {
  for (const vector of LONG) {
    it(`${vector.bits}-bit: decoding the lst gives exactly the listed statuses`, async () => {
      const bytes = await decompressStatusList(vector.lst, 1 << 20);
      expect(bytes.length).toBe(((1 << 20) * vector.bits) / 8);
      expect(statusCapacity(bytes.length, vector.bits)).toBe(1 << 20);
      const nonZero: Record<number, number> = {};
      for (let idx = 0; idx < 1 << 20; idx++) {
        const status = readStatus(bytes, vector.bits, idx);
        if (status !== 0) nonZero[idx] = status;
      }
      expect(nonZero).toEqual(vector.set);
    });

    it(`${vector.bits}-bit: the same statuses written and compressed by us round-trip`, async () => {
      const bytes = new Uint8Array(((1 << 20) * vector.bits) / 8);
      for (const [idx, status] of Object.entries(vector.set)) {
        writeStatus(bytes, vector.bits, Number(idx), status);
      }
      expect(await decompressStatusList(vector.lst, 1 << 20)).toEqual(bytes);
      const ours = await compressStatusList(bytes);
      expect(await decompressStatusList(ours, 1 << 20)).toEqual(bytes);
    });
  }
});

describe("status list codec: hostile input", () => {
  it("refuses to inflate past the cap (decompression bomb)", async () => {
    const lst = await compressStatusList(new Uint8Array(1 << 20));
    expect(lst.length).toBeLessThan(2048);
    await expect(decompressStatusList(lst, 1 << 16)).rejects.toBeInstanceOf(StatusListCorrupt);
    expect((await decompressStatusList(lst, 1 << 20)).length).toBe(1 << 20);
  });

  it.each([
    ["padding", "eNrbuRgAAhcBXQ=="],
    ["standard alphabet", "eNo76fITAAPfAgc+"],
    ["non-canonical trailing bits", "eNrbuRgAAhcBXR"],
    ["impossible length", "eNrbu"],
    ["whitespace", "eNrb uRgAAhcBXQ"],
  ])("rejects non-canonical base64url (%s)", async (_, lst) => {
    await expect(decompressStatusList(lst, 1024)).rejects.toBeInstanceOf(StatusListCorrupt);
  });

  it.each([
    ["empty", ""],
    ["raw deflate without the zlib header", encodeBase64url(Uint8Array.of(0xdb, 0xb9, 0x18, 0))],
    ["truncated stream", hexToBase64url("78dadbb9180002")],
    ["bad checksum", hexToBase64url("78dadbb918000217015e")],
    ["not compressed at all", encodeBase64url(new TextEncoder().encode("hello world"))],
  ])("rejects data that is not one complete zlib stream (%s)", async (_, lst) => {
    await expect(decompressStatusList(lst, 1024)).rejects.toBeInstanceOf(StatusListCorrupt);
  });
});

describe("status list bits", () => {
  const widths: StatusListBits[] = [1, 2, 4, 8];

  it("writeStatus and readStatus agree for every width, and entries do not bleed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...widths),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.nat(),
        (bits, initial, rawIdx, rawStatus) => {
          const bytes = new Uint8Array(initial);
          const idx = rawIdx % statusCapacity(bytes.length, bits);
          const status = rawStatus % (1 << bits);
          const before = Array.from({ length: statusCapacity(bytes.length, bits) }, (_, i) =>
            readStatus(bytes, bits, i),
          );
          writeStatus(bytes, bits, idx, status);
          before[idx] = status;
          const after = before.map((_, i) => readStatus(bytes, bits, i));
          expect(after).toEqual(before);
        },
      ),
    );
  });

  it("the 2-bit reader of the store agrees with the general reader", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), (bytes) => {
        for (let idx = 0; idx < bytes.length * 4; idx++) {
          expect(readStatusBits(bytes, idx)).toBe(readStatus(bytes, 2, idx));
        }
      }),
    );
  });

  it("rejects out-of-range indexes and statuses that do not fit", () => {
    const bytes = new Uint8Array(2);
    expect(() => readStatus(bytes, 2, 8)).toThrow(RangeError);
    expect(() => readStatus(bytes, 1, -1)).toThrow(RangeError);
    expect(() => readStatus(bytes, 1, 1.5)).toThrow(RangeError);
    expect(() => writeStatus(bytes, 2, 0, 4)).toThrow(RangeError);
    expect(readStatus(bytes, 8, 1)).toBe(0);
  });

  it("decodes base64url exactly", () => {
    expect([...decodeBase64url("uaM")]).toEqual([0xb9, 0xa3]);
    expect(encodeBase64url(Uint8Array.of(0xfb, 0xff))).toBe("-_8");
  });
});
