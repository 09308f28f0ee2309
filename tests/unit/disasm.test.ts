// gpw disasm equals `go tool pprof -disasm` on tests/go/hotspots' real binary and CPU profile:
// every instruction's address, text, location and figures, function by function (pprof cuts each
// function's last instruction short, decoding one byte less than the symbol: that instruction
// is at the same address in both, and gpw shows it whole). A binary of another build is refused
// with both build IDs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gpw, gpwJson, run } from '../helpers/run';
import { tempDir } from '../helpers/paths';
import { hotspots } from '../helpers/hotspots';
import type { DisasmReport } from '../../src-main/api/source-types';

const tmp = tempDir('gpw-disasm-');
const lib = join(tmp.dir, 'lib.db');
afterAll(() => tmp.cleanup());
let p: (f: string) => string;
beforeAll(async () => {
  p = await hotspots('local');
}, 600_000);

/** ROUTINE blocks of a -disasm text: header lines and instruction lines. */
function routines(text: string): { head: string[]; lines: string[] }[] {
  const out: { head: string[]; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('ROUTINE')) out.push({ head: [line], lines: [] });
    else if (out.length && /\(flat, cum\)/.test(line)) out[out.length - 1].head.push(line);
    else if (out.length && line !== '') out[out.length - 1].lines.push(line);
  }
  return out;
}
const addressOf = (line: string): string | undefined => /^\s*\S+\s+\S+\s+([0-9a-f]+):/.exec(line)?.[1];

describe('gpw disasm = go tool pprof -disasm', () => {
  it.each([
    ['main\\.', 'cpu.pb.gz', []],
    ['main\\.(hash|mix)', 'cpu.pb.gz', []],
    ['main\\.', 'heap.pb.gz', ['alloc_space']],
    ['.', 'cpu.pb.gz', []],
    ['.', 'block.pb.gz', ['contentions']],
  ] as const)('%s in %s %s', async (re, file, index) => {
    const g = index.length ? ['--sample-index', index[0]] : [];
    const pp = index.length ? [`-sample_index=${index[0]}`] : [];
    const [mine, ref] = await Promise.all([
      gpw(lib, 'disasm', p(file), '--function', re, '--binary', p('hotspots'), ...g),
      run('go', ['tool', 'pprof', '-disasm', re, ...pp, p('hotspots'), p(file)]),
    ]);
    expect(mine.code, mine.stderr).toBe(0);
    expect(ref.code, ref.stderr).toBe(0);
    expect(mine.stdout.split('\n')[0]).toBe(ref.stdout.split('\n')[0]); // Total
    const a = routines(mine.stdout);
    const b = routines(ref.stdout);
    expect(a.map((r) => r.head)).toEqual(b.map((r) => r.head));
    expect(a.length).toBeGreaterThan(0);
    a.forEach((r, i) => {
      const last = r.lines[r.lines.length - 1];
      // All but the last instruction: the same lines. The last: at the same address in pprof's
      // cut form, or absent there when it is one byte long (pprof decodes one byte less).
      expect(r.lines.slice(0, -1)).toEqual(b[i].lines.slice(0, r.lines.length - 1));
      if (b[i].lines.length >= r.lines.length) expect(addressOf(b[i].lines[r.lines.length - 1])).toBe(addressOf(last));
      else expect(b[i].lines.length).toBe(r.lines.length - 1);
    });
    // Samples are on instructions, not only totals.
    expect(mine.stdout).toMatch(/^\s+\d[\d.]*\w*\s+\d[\d.]*\w*\s+[0-9a-f]+: /m);
  });

  it('a binary of another build is refused, naming both build IDs', async () => {
    const other = await hotspots('go1.25.7');
    const r = await gpw(lib, 'disasm', p('cpu.pb.gz'), '--function', 'main\\.', '--binary', other('hotspots'));
    expect(r.code).not.toBe(0);
    const ids = /has build ID ([0-9a-f]+|\(none\)), but the profile's .*hotspots has build ID ([0-9a-f]+): not the binary that was profiled/.exec(r.stderr);
    expect(ids, r.stderr).not.toBeNull();
    expect(ids![1]).not.toBe(ids![2]);
    const own = await gpwJson<DisasmReport>(lib, 'disasm', p('cpu.pb.gz'), '--function', 'main\\.hash', '--binary', p('hotspots'));
    expect(own.buildId).toBe(ids![2]);
    expect(own.functions[0].instructions.some((i) => i.flat > 0 && i.file === 'main.go')).toBe(true);
  });
});
