// The compiler's escape analysis (go build -gcflags=-m, -m=2, -json=0,DIR) of tests/go/hotspots
// built by Go 1.22 to 1.26, imported as kind `escapes` (recognised by content) and joined to
// the allocs profile of the same program built by the same Go: every line `go tool pprof -list`
// shows with alloc_space has the compiler's verdict when the compiler printed one for that line
// (and a reason in words when it printed none); a site that does not escape but is on the heap
// is explained; -m output of another program joins nothing and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpw, gpwJson, run } from '../helpers/run';
import { repoPath, tempDir } from '../helpers/paths';
import { hotspots, hotspotsSource, hotspotsToolchains, pprofList } from '../helpers/hotspots';
import type { EscapeReport, SourceListing } from '../../src-main/api/source-types';
import type { Artifact } from '../../src-main/api/types';

const tmp = tempDir('gpw-escapes-');
afterAll(() => tmp.cleanup());
const source = readFileSync(join(hotspotsSource, 'main.go'), 'utf8').split('\n');
const lineOf = (text: string): number => source.findIndex((l) => l.includes(text)) + 1;
const MAKE_LINE = lineOf('buf := make([]byte, 512+(i%7)*256)');
const SCRATCH_LINE = lineOf('tmp := make([]byte, 100+i%50)');

const FORMS = [
  ['escapes-m.txt', 'm'],
  ['escapes-m2.txt', 'm2'],
  ['escapes-main.json', 'json'],
] as const;

/** Whether the compiler's raw output states a verdict (escapes, moved, does not escape) at main.go:line. */
function rawVerdictAt(raw: string, form: string, line: number): boolean {
  if (form === 'json') return raw.split('\n').some((l) => l.includes(`"start":{"line":${line},`) && /"code":"escapes?"/.test(l) && !l.includes('"message":""'));
  return new RegExp(`main\\.go:${line}:\\d+: (.* escapes to heap|moved to heap: .*|.* does not escape)$`, 'm').test(raw);
}

describe.each(hotspotsToolchains)('escape analysis of %s joined to its allocs profile', (toolchain) => {
  let p: (f: string) => string;
  const lib = join(tmp.dir, `${toolchain}.db`);
  beforeAll(async () => {
    p = await hotspots(toolchain);
  }, 900_000);

  it.each(FORMS)('%s', async (file, form) => {
    const imported = await gpwJson<{ artifacts: Artifact[] }>(lib, 'import', p(file), p('heap.pb.gz'), '--run', `r-${form}`);
    const escapes = imported.artifacts[0];
    expect(escapes.kind).toBe('escapes');
    expect(escapes.subtype).toBe(form);
    const report = await gpwJson<EscapeReport>(lib, 'escapes', escapes.id, '--profile', imported.artifacts[1].id, '--sample-index', 'alloc_space');
    expect(report.format).toBe(form);
    expect(report.notes).toEqual([]);
    expect(report.joined).toBeGreaterThan(0);

    const raw = readFileSync(p(file), 'utf8');
    const ref = await pprofList(p('heap.pb.gz'), 'main\\.', ['-sample_index=alloc_space', '-trim_path=gpw/tests', `-source_path=${repoPath('tests/go')}`], 'bytes');
    const allocating = ref.routines.flatMap((r) => r.lines.filter((l) => l.flat > 0).map((l) => ({ ...l, fn: r.name })));
    // pprof reads the source through -trim_path and -source_path and shows the lines with alloc_space.
    expect(allocating.length).toBeGreaterThan(3);
    for (const site of allocating) {
      const hot = report.hot.find((h) => h.line === site.line && h.file.endsWith('main.go'));
      expect(hot, `main.go:${site.line}`).toBeDefined();
      expect(hot!.flat).toBe(site.flat);
      expect(hot!.why).not.toBe('');
      if (rawVerdictAt(raw, form, site.line)) expect(hot!.sites.length, `verdict at main.go:${site.line}`).toBeGreaterThan(0);
    }
    // The hottest escaping make, with its flow where the compiler gives one.
    const make = report.sites.find((s) => s.line === MAKE_LINE && s.what.startsWith('make('))!;
    expect(make.escapes).toBe(true);
    expect(make.function).toMatch(/allocate/);
    expect(make.flat).toBe(allocating.find((a) => a.line === MAKE_LINE)!.flat);
    if (form !== 'm') expect(make.reasons.join('\n')).toMatch(/flow: /);
    // Sorted by the profile's value at the site.
    const flats = report.sites.map((s) => Math.abs(s.flat));
    expect(flats).toEqual([...flats].sort((a, b) => b - a));
    // scratch's buffer: where the compiler says it does not escape, the profile still shows it on the heap, explained.
    const scratch = report.hot.find((h) => h.line === SCRATCH_LINE)!;
    expect(scratch.flat).toBeGreaterThan(0);
    if (scratch.sites.every((s) => !s.escapes)) expect(scratch.why).toMatch(/heap.*(not a constant|too large)/);
  });
});

describe('escape analysis in the source view, and from another tree', () => {
  const lib = join(tmp.dir, 'other.db');

  it('gpw source --escapes puts the verdicts on their lines', async () => {
    const p = await hotspots('local');
    const listing = await gpwJson<SourceListing>(lib, 'source', p('heap.pb.gz'), '--function', 'main\\.allocate$', '--sample-index', 'alloc_space', '--source-path', repoPath('tests/go'), '--escapes', p('escapes-m2.txt'));
    const line = listing.functions[0].lines.find((l) => l.line === MAKE_LINE)!;
    expect(line.flat).toBeGreaterThan(0);
    expect(line.escapes?.[0].what).toMatch(/^make\(\[\]byte, .*\) escapes to heap$/);
    expect(line.escapes?.[0].reasons.length).toBeGreaterThan(0);
    expect(listing.escapes?.notes).toEqual([]);
  });

  it.each(['-m', '-m=2'])('%s output of another program joins nothing and says so', async (level) => {
    const p = await hotspots('local');
    const build = await run('sh', ['-c', `cd "$1" && GOWORK=off CGO_ENABLED=0 go build -gcflags=${level} -o "$2" . 2>&1`, 'sh', repoPath('tests/go/profgen'), join(tmp.dir, 'profgen.bin')]);
    expect(build.code, build.stdout).toBe(0);
    const other = join(tmp.dir, `profgen${level}.txt`);
    await import('node:fs').then((fs) => fs.writeFileSync(other, build.stdout));
    const report = await gpwJson<EscapeReport>(lib, 'escapes', other, '--profile', p('heap.pb.gz'), '--sample-index', 'alloc_space');
    expect(report.sites.length).toBeGreaterThan(0);
    expect(report.joined).toBe(0);
    expect(report.hot).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/profgen\/main\.go is not (known to be )?the source of the profile's gpw\/tests\/hotspots\/main\.go/);
    expect(report.notes.join('\n')).toMatch(/nothing joins/);
    const text = await gpw(lib, 'escapes', other, '--profile', p('heap.pb.gz'));
    expect(text.stderr).toMatch(/nothing joins/);
  });

  it('a text file that is not the compiler\'s output is not taken for escape analysis', async () => {
    const f = join(tmp.dir, 'notes.txt');
    await import('node:fs').then((fs) => fs.writeFileSync(f, 'main.go: some notes\nnothing here escapes\n'));
    const r = await gpw(lib, 'import', f);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/notes\.txt: .*text file/);
  });
});
