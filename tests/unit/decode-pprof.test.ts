// The pprof decoder on real profiles: Go's (with pprof.Do labels and inlined frames) and a
// peer tool's sample; and clear errors for what is not a pprof profile.
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { detectFormat } from '../../src-main/formats/detect-format';
import { FormatError } from '../../src-main/formats/format-error';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { sampleTypeIndex, sampleTypeTotal, type Profile } from '../../src-main/model/profile';
import { FIXTURES, goProfile } from '../helpers/paths';
import { expectTotalsAddUp } from '../helpers/flame';

function labelValues(p: Profile, key: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < p.labelKey.length; i++) if (p.strings[p.labelKey[i]] === key) out.add(p.strings[p.labelStr[i]]);
  return out;
}

describe('Go profiles', () => {
  it('reads gzipped and raw bytes to the same profile', () => {
    const gz = readFileSync(goProfile('heap'));
    const a = decodePprof(gz);
    const b = decodePprof(gunzipSync(gz));
    expect(b.sampleCount).toBe(a.sampleCount);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });

  it('keeps pprof.Do string labels and numeric labels', () => {
    const cpu = decodePprof(readFileSync(goProfile('cpu')));
    expect(labelValues(cpu, 'worker')).toEqual(new Set(['hash', 'sort']));
    const heap = decodePprof(readFileSync(goProfile('heap')));
    const bytesKey = heap.labelKey.findIndex((k) => heap.strings[k] === 'bytes');
    expect(bytesKey).toBeGreaterThanOrEqual(0);
    expect(heap.labelNum[bytesKey]).toBeGreaterThan(0);
    const goroutines = decodePprof(readFileSync(goProfile('goroutine')));
    expect(labelValues(goroutines, 'role').size).toBeGreaterThan(0);
    expect(summarizeProfile(cpu).labelKeys).toContain('worker');
  });

  it('expands inlined frames: a location with several lines', () => {
    const cpu = decodePprof(readFileSync(goProfile('cpu')));
    let multi = 0;
    for (let l = 0; l < cpu.locAddress.length; l++) if (cpu.locLineStart[l + 1] - cpu.locLineStart[l] > 1) multi++;
    expect(multi).toBeGreaterThan(0);
    const graph = buildFlameGraph(cpu, sampleTypeIndex(cpu, 'cpu'));
    const mix = graph.names.indexOf('main.mix');
    const node = Array.from(graph.nameIndex).indexOf(mix);
    expect(graph.inlined[node]).toBe(1);
  });

  it('builds a flame graph whose root equals the total and whose children never exceed parents', () => {
    const p = decodePprof(readFileSync(goProfile('allocs')));
    const t = sampleTypeIndex(p, 'alloc_space');
    const g = buildFlameGraph(p, t);
    expect(g.totalValue).toBe(sampleTypeTotal(p, t));
    expect(g.total[0]).toBe(g.totalValue);
    expectTotalsAddUp(g);
  });
});

describe('other tools (tests/fixtures)', () => {
  it("reads speedscope's sample Go CPU profile", () => {
    const file = join(FIXTURES, 'pprof/speedscope-simple.prof');
    const p = decodePprof(readFileSync(file));
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['samples', 'cpu']);
    expect(p.sampleCount).toBeGreaterThan(0);
    expect(summarizeProfile(p).profileType).toBe('cpu');
  });

  it('names legacy binary CPU profiles instead of misreading them', () => {
    const dir = join(FIXTURES, 'pprof/legacy');
    for (const f of readdirSync(dir).filter((name) => name.endsWith('.pb'))) {
      const d = detectFormat(readFileSync(join(dir, f)).subarray(0, 512));
      expect(d.format, f).toBeNull();
      expect(d.format === null && d.reason, f).toMatch(/legacy binary CPU profile/);
    }
  });
});

/** The end of the last whole top-level protobuf field that ends at or before `limit`. */
function fieldEndBefore(bytes: Uint8Array, limit: number): number {
  const varint = (at: number): [number, number] => {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = bytes[at++];
      v += (b & 0x7f) * shift;
      if (b < 0x80) return [v, at];
    }
  };
  let pos = 0;
  for (;;) {
    const [tag, afterTag] = varint(pos);
    const [value, afterValue] = varint(afterTag);
    const end = (tag & 7) === 2 ? afterValue + value : afterValue;
    if (end > limit) return pos;
    pos = end;
  }
}

describe('bad bytes', () => {
  const good = readFileSync(goProfile('cpu'));
  const raw = gunzipSync(good);

  it.each([
    ['empty', new Uint8Array(0), /empty/],
    ['truncated gzip', good.subarray(0, good.length >> 1), /truncated|gzip/],
    ['truncated protobuf', raw.subarray(0, Math.floor(raw.length * 0.6)), /truncated|corrupt/],
    // Cut right after a whole field (the case above may cut one in two): the string table is gone.
    ['protobuf cut between fields', raw.subarray(0, fieldEndBefore(raw, Math.floor(raw.length * 0.6))), /truncated or corrupt profile: it has \d+ samples, \d+ locations and \d+ functions but no string table/],
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /not a pprof|corrupt|truncated/],
  ])('%s gives a FormatError', (_name, bytes, message) => {
    expect(() => decodePprof(bytes)).toThrow(FormatError);
    expect(() => decodePprof(bytes)).toThrow(message);
  });

  it('detects formats by content', () => {
    expect(detectFormat(good.subarray(0, 512)).format).toBe('pprof');
    expect(detectFormat(raw.subarray(0, 512)).format).toBe('pprof');
    expect(detectFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toMatchObject({ format: null, reason: expect.stringMatching(/JPEG/) });
    expect(detectFormat(new TextEncoder().encode('main;foo;bar 12\n'))).toMatchObject({ format: 'folded' });
    expect(detectFormat(new TextEncoder().encode('hello, this is a letter\nnot a profile\n'))).toMatchObject({ format: null, reason: expect.stringMatching(/text/) });
    expect(detectFormat(new TextEncoder().encode('go 1.23 trace\0\0\0'))).toMatchObject({ format: 'gotrace' });
    expect(detectFormat(new TextEncoder().encode('go 1.21 trace\0\0\0'))).toMatchObject({ format: null, reason: expect.stringMatching(/execution trace.*Go 1\.22 and later/) });
  });
});
