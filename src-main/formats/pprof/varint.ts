// Varints straight from the buffer: the hot part of a pprof file is numbers (ids, addresses,
// packed sample arrays), and reading them without a Reader call (or a LongBits object) each
// is most of the decoding time.

/** Where readVarintAt stopped: the position after the varint it returned (a live binding). */
export let varintEnd = 0;

/**
 * The varint at buf[pos] as an int64 (exact up to 2^53 in magnitude; 10-byte varints are two's
 * complement, so negative). Sets `varintEnd`. Past the end of buf it reads zeros and `after` runs
 * past the end, which callers check.
 */
export function readVarintAt(buf: Uint8Array, pos: number): number {
  let b = buf[pos++];
  if (b < 0x80) {
    varintEnd = pos;
    return b;
  }
  let v = b & 0x7f;
  b = buf[pos++];
  v |= (b & 0x7f) << 7;
  if (b < 0x80) {
    varintEnd = pos;
    return v;
  }
  b = buf[pos++];
  v |= (b & 0x7f) << 14;
  if (b < 0x80) {
    varintEnd = pos;
    return v;
  }
  b = buf[pos++];
  v |= (b & 0x7f) << 21;
  if (b < 0x80) {
    varintEnd = pos;
    return v >>> 0;
  }
  // Beyond 28 bits: split into low and high 32-bit words, as int64 two's complement.
  b = buf[pos++];
  const lo = (v | ((b & 0x7f) << 28)) >>> 0;
  let hi = (b & 0x7f) >> 4;
  for (let shift = 3; b >= 0x80; shift += 7) {
    if (shift > 31) throw new RangeError('varint longer than 10 bytes');
    b = buf[pos++];
    hi |= (b & 0x7f) << shift;
  }
  varintEnd = pos;
  hi >>>= 0;
  if (hi < 0x80000000) return hi * 4294967296 + lo;
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return -(nhi * 4294967296 + nlo);
}

/** Reads one int64/uint64 varint at reader.pos and advances it. */
export function readVarint(reader: { buf: Uint8Array; pos: number; len: number }): number {
  const v = readVarintAt(reader.buf, reader.pos);
  if (varintEnd > reader.len) throw new RangeError('varint runs past the end of the data');
  reader.pos = varintEnd;
  return v;
}

/** An id: a uint64 as a number when exact, else as its decimal string (rare, but valid). */
export type Uint64Key = number | string;

/** The uint64 varint that starts at buf[pos], exactly (as a string beyond 2^53). Sets `varintEnd`. */
export function readUint64KeyAt(buf: Uint8Array, pos: number): Uint64Key {
  const v = readVarintAt(buf, pos);
  if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  let exact = 0n;
  for (let i = varintEnd - 1; i >= pos; i--) exact = (exact << 7n) | BigInt(buf[i] & 0x7f);
  return String(BigInt.asUintN(64, exact));
}

/** Reads one uint64 id at reader.pos exactly and advances it. */
export function readUint64Key(reader: { buf: Uint8Array; pos: number; len: number }): Uint64Key {
  const key = readUint64KeyAt(reader.buf, reader.pos);
  if (varintEnd > reader.len) throw new RangeError('varint runs past the end of the data');
  reader.pos = varintEnd;
  return key;
}
