import { crc32, inflateRawSync } from "node:zlib";

export interface ZipFileEntry {
  readonly mode: number;
  /** DOS time and date words of the central directory entry. */
  readonly stamp: [number, number];
  readonly data: Buffer;
}

/**
 * Reads a zip through its central directory, checking each entry's signature and CRC: an
 * independent look at what Lambda will unpack (the bundlers write zips by hand).
 */
export function readZip(zip: Buffer): Map<string, ZipFileEntry> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let cursor = zip.readUInt32LE(end + 16);
  const entries = new Map<string, ZipFileEntry>();
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(cursor) !== 0x02014b50) throw new Error(`entry ${index}: no central directory signature at ${cursor}`);
    const method = zip.readUInt16LE(cursor + 10);
    const crc = zip.readUInt32LE(cursor + 16);
    const compressedSize = zip.readUInt32LE(cursor + 20);
    const nameLength = zip.readUInt16LE(cursor + 28);
    const extraLength = zip.readUInt16LE(cursor + 30);
    const commentLength = zip.readUInt16LE(cursor + 32);
    const mode = zip.readUInt32LE(cursor + 38) >>> 16;
    const localOffset = zip.readUInt32LE(cursor + 42);
    const name = zip.toString("utf8", cursor + 46, cursor + 46 + nameLength);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (crc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC ${crc32(data) >>> 0} does not match the recorded ${crc}`);
    entries.set(name, { mode, data, stamp: [zip.readUInt16LE(cursor + 12), zip.readUInt16LE(cursor + 14)] });
    cursor += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
