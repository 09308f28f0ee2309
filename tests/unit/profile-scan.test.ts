// The import's scan of a pprof file (samples visited one at a time, never kept as columns) gives
// what the decoded profile gives: the summary, every sample type's function figures and top
// tables (flat and cum order, all rows, inline labels), on Go's own profiles of every kind; the
// function figures are also checked against a plain count by function name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePprof, scanPprof } from '../../src-main/formats/pprof/decode-pprof';
import { ScannedProfile } from '../../src-main/analysis/profile-scan';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { functionStatsOf } from '../../src-main/analysis/runs/function-stats';
import { computeTop } from '../../src-main/analysis/top';
import { FormatError } from '../../src-main/formats/format-error';
import type { Profile } from '../../src-main/model/profile';
import { goProfile, repoPath } from '../helpers/paths';

const GO_KINDS = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine'] as const;
const files = [...GO_KINDS.map((k) => [`Go ${k}`, goProfile(k)]), ...['allocs', 'mutex', 'block'].map((k) => [`demo ${k}`, join(repoPath('resources/demo'), `demo-${k}.pb.gz`)])];

/** flat and cum by function name, counted the plain way: the leaf's innermost frame; once per name per sample. */
function byName(p: Profile, t: number): Map<string, { flat: number; cum: number }> {
  const out = new Map<string, { flat: number; cum: number }>();
  const n = p.sampleTypes.length;
  const at = (name: string) => out.get(name) ?? out.set(name, { flat: 0, cum: 0 }).get(name)!;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * n + t];
    const names: string[] = [];
    for (let i = p.sampleLocStart[s]; i < p.sampleLocStart[s + 1]; i++) {
      const loc = p.sampleLocs[i];
      for (let l = p.locLineStart[loc]; l < p.locLineStart[loc + 1]; l++) names.push(p.strings[p.functionName[p.lineFunction[l]]]);
    }
    if (names.length === 0) continue;
    at(names[0]).flat += v;
    for (const name of new Set(names)) at(name).cum += v;
  }
  return out;
}

describe('scanPprof + ScannedProfile', () => {
  it.each(files)('%s: the decoded profile’s summary, function figures and top tables', (_name, file) => {
    const bytes = readFileSync(file);
    const decoded = decodePprof(bytes);
    const scan = scanPprof(bytes);
    expect(ScannedProfile.fits(scan.skeleton)).toBe(true);
    const scanned = new ScannedProfile(scan);
    expect(scanned.summary).toEqual(summarizeProfile(decoded));
    const stats = scanned.functionStats();
    expect(stats).toEqual(functionStatsOf(decoded));
    decoded.sampleTypes.forEach((_, t) => {
      for (const options of [{ nodecount: 20, nodefraction: 0.005 }, { nodecount: 0, nodefraction: 0, cum: true }]) {
        expect(scanned.top(t, options)).toEqual(computeTop(decoded, t, options));
      }
      const plain = byName(decoded, t);
      const st = stats.types[t];
      st.names.forEach((name, i) => expect([name, st.flat[i], st.cum[i]]).toEqual([name, plain.get(name)?.flat, plain.get(name)?.cum]));
    });
  });

  it('a sample naming an undefined location is reported as the decoder reports it', () => {
    // sample_type, one sample with location 9 and value 1, one location (id 1), the string table.
    const msg = Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x05, 0x0a, 0x01, 0x09, 0x10, 0x01, 0x22, 0x02, 0x08, 0x01, 0x32, 0x00, 0x32, 0x01, 0x61, 0x32, 0x01, 0x62]);
    expect(() => decodePprof(msg)).toThrow(/refers to location id 9/);
    const scan = scanPprof(msg);
    expect(() => new ScannedProfile(scan)).toThrow(FormatError);
    expect(() => new ScannedProfile(scan)).toThrow(/refers to location id 9/);
  });
});
