// Fast paths for the hot part of a pprof file: packed varint arrays (sample location ids and
// values), read straight from the buffer instead of one Reader call per number.

/**
 * Reads varints from buf[pos..end) into out via push; returns the new position.
 * Values are exact up to 2^53 in magnitude; 10-byte varints are int64 two's complement (negative).
 */
export function readPackedVarints(buf: Uint8Array, pos: number, end: number, push: (v: number) => void): number {
  while (pos < end) {
    let b = buf[pos++];
    if (b < 0x80) {
      push(b);
      continue;
    }
    let v = b & 0x7f;
    b = buf[pos++];
    v |= (b & 0x7f) << 7;
    if (b < 0x80) {
      push(v);
      continue;
    }
    b = buf[pos++];
    v |= (b & 0x7f) << 14;
    if (b < 0x80) {
      push(v);
      continue;
    }
    b = buf[pos++];
    v |= (b & 0x7f) << 21;
    if (b < 0x80) {
      push(v >>> 0);
      continue;
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
    hi >>>= 0;
    if (hi < 0x80000000) {
      push(hi * 4294967296 + lo);
    } else {
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      push(-(nhi * 4294967296 + nlo));
    }
  }
  if (pos > end) throw new RangeError('varint runs past the end of its field');
  return pos;
}
