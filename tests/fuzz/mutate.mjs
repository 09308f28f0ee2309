// Deterministic mutations of real inputs for the fuzzing suite. Input number `i` of a run with
// seed `seed` is always the same bytes, so a failure of the long run is reproduced from (seed, i)
// and saved. gzip seeds (pprof .pb.gz) are mostly mutated inside the gzip, so the mutations reach
// the protobuf decoder rather than stopping at a corrupt gzip stream.
//
// Node built-ins and the tests' seeded generator only. Not a test file.
import { gunzipSync, gzipSync } from 'node:zlib';
import { seededRandom as rng } from '../helpers/seeded-random.mjs';

const enc = (s) => new TextEncoder().encode(s);
/** Bytes that break parsers: boundaries, varints that never end or claim huge lengths, text hazards. */
const TOKENS = [
  [0], [0xff], [0x7f], [0x80], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x32, 0x00], [0x12, 0x00], [0x0a, 0x00],
  enc('\n'), enc('\r\n'), enc(';'), enc(' '), enc('\t'), enc('\x1b[31m'), enc('\x1b]0;title\x07'), enc('\x1b[2J'),
  enc(' 1000000000000000000000'), enc(' -1'), enc('NaN'), enc('Infinity'), enc('1e309'), enc('9'.repeat(40)), enc('0.'),
  enc('{'), enc('}'), enc('['), enc(']'), enc('"'), enc('\\'), enc(':'), enc(','), enc('null'), enc('{"a":'.repeat(50)),
  enc('gc 1 @0.001s 0%: '), enc(' ms clock, '), enc('# TYPE x counter\n'), enc('{a="'), enc('\u2028'), enc('\ufffd'),
  [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
];

const int = (r, n) => Math.floor(r() * n);

/** One mutation of `b` (a fresh array; `b` is left alone). */
function mutateOnce(b, r, others, maxBytes) {
  const n = b.length;
  const at = n ? int(r, n) : 0;
  switch (int(r, 11)) {
    case 0: { // flip a bit
      if (!n) return b;
      const c = b.slice();
      c[at] ^= 1 << int(r, 8);
      return c;
    }
    case 1: { // a random byte
      if (!n) return b;
      const c = b.slice();
      c[at] = int(r, 256);
      return c;
    }
    case 2: // insert a token
      return splice(b, at, 0, Uint8Array.from(TOKENS[int(r, TOKENS.length)]), maxBytes);
    case 3: { // overwrite with a token
      const t = Uint8Array.from(TOKENS[int(r, TOKENS.length)]);
      return splice(b, at, Math.min(t.length, n - at), t, maxBytes);
    }
    case 4: // delete a range
      return splice(b, at, Math.min(n - at, 1 + int(r, r() < 0.8 ? 16 : 4096)), new Uint8Array(0), maxBytes);
    case 5: // truncate
      return b.slice(0, at);
    case 6: { // duplicate a range, a few or many times (counts that grow with the input)
      const len = Math.min(n - at, 1 + int(r, 256));
      const times = r() < 0.9 ? 1 + int(r, 8) : 1 + int(r, Math.max(1, Math.floor(maxBytes / Math.max(len, 1) / 4)));
      const piece = b.subarray(at, at + len);
      const rep = new Uint8Array(Math.min(piece.length * times, maxBytes));
      for (let o = 0; o < rep.length; o += piece.length) rep.set(piece.subarray(0, rep.length - o), o);
      return splice(b, at, 0, rep, maxBytes);
    }
    case 7: { // splice in a piece of another seed of the format
      const o = others[int(r, others.length)];
      if (!o || !o.length) return b;
      const from = int(r, o.length);
      return splice(b, at, int(r, 64), o.subarray(from, from + 1 + int(r, 512)), maxBytes);
    }
    case 8: { // swap two ranges' worth of bytes: move a piece elsewhere
      const len = Math.min(n - at, 1 + int(r, 64));
      const piece = b.slice(at, at + len);
      const rest = splice(b, at, len, new Uint8Array(0), maxBytes);
      return splice(rest, int(r, rest.length + 1), 0, piece, maxBytes);
    }
    case 9: { // a run of one byte (a very long line, a long name, empty protobuf entries)
      const len = r() < 0.9 ? 1 + int(r, 1024) : 1 + int(r, maxBytes / 2);
      return splice(b, at, 0, new Uint8Array(len).fill(r() < 0.5 ? 0x61 : int(r, 256)), maxBytes);
    }
    default: { // add or subtract a small number from a byte (lengths, counts, digits)
      if (!n) return b;
      const c = b.slice();
      c[at] = (c[at] + (r() < 0.5 ? 1 : -1) * (1 + int(r, 16))) & 0xff;
      return c;
    }
  }
}

function splice(b, at, del, ins, maxBytes) {
  at = Math.min(at, b.length);
  del = Math.min(del, b.length - at);
  const keep = Math.max(0, Math.min(ins.length, maxBytes - (b.length - del)));
  const out = new Uint8Array(b.length - del + keep);
  out.set(b.subarray(0, at), 0);
  out.set(ins.subarray(0, keep), at);
  out.set(b.subarray(at + del), at + keep);
  return out;
}

const isGzip = (b) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Input number `i` of a run: a seed of the format picked, then one to five mutations; inside its
 * gzip when the seed is gzip (three times in four). At most `maxBytes` (after decompression).
 * @param {{name: string, bytes: Uint8Array}[]} seeds
 * @returns {{bytes: Uint8Array, seed: string}}
 */
export function mutatedInput(seeds, runSeed, i, maxBytes = 1 << 20) {
  const r = rng((Math.imul(runSeed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
  const seed = seeds[int(r, seeds.length)];
  const inner = isGzip(seed.bytes) && r() < 0.75;
  let b = inner ? new Uint8Array(gunzipSync(seed.bytes)) : seed.bytes;
  const others = seeds.map((s) => s.bytes);
  const rounds = 1 + int(r, 5);
  for (let k = 0; k < rounds; k++) b = mutateOnce(b, r, others, maxBytes);
  return { bytes: inner ? new Uint8Array(gzipSync(b, { level: 1 })) : b, seed: seed.name };
}
