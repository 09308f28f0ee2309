// gpw runs the compiler's escape analysis itself (gpw escapes --build DIR): on a copy of
// tests/go/hotspots (a real module that allocates), the artifact it keeps holds every verdict
// `go build -gcflags=-m=2` prints when run directly here, joins to the same program's allocs
// profile in its run, and a folder without go.mod, a compile error, a missing go and a bad
// package pattern are each said plainly with nothing written to the library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpw, gpwJson, run } from '../helpers/run';
import { tempDir } from '../helpers/paths';
import { hotspots, hotspotsSource } from '../helpers/hotspots';
import type { EscapeReport } from '../../src-main/api/source-types';
import type { Artifact } from '../../src-main/api/types';

const tmp = tempDir('gpw-escape-build-');
afterAll(() => tmp.cleanup());
const lib = join(tmp.dir, 'lib.db');
const mod = join(tmp.dir, 'hotspots');

/** The verdict lines of -m=2 text ("./main.go:44:15: make([]byte, …) escapes to heap"), as "line:column: message". */
function verdicts(raw: string): string[] {
  const out = new Set<string>();
  for (const l of raw.split('\n')) {
    const m = /^\.\/main\.go:(\d+):(\d+): (.* escapes to heap|moved to heap: \S+|.* does not escape)$/.exec(l);
    if (m) out.add(`${m[1]}:${m[2]}: ${m[3]}`);
  }
  return [...out].sort();
}

describe('gpw escapes --build', () => {
  let built: Artifact;
  let direct: string;
  beforeAll(async () => {
    cpSync(hotspotsSource, mod, { recursive: true });
    const r = await gpwJson<{ artifacts: Artifact[] }>(lib, 'escapes', '--build', mod, '--run', 'r1');
    built = r.artifacts[0];
    const ref = await run('sh', ['-c', 'cd "$1" && exec go build -buildvcs=false -gcflags=-m=2 -o "$2" .', 'sh', mod, join(tmp.dir, 'ref.bin')], {}, 300_000);
    expect(ref.code, ref.stderr).toBe(0);
    direct = ref.stderr;
  }, 300_000);

  it('keeps the compiler\'s -m=2 verdicts as an escapes artifact in the run', async () => {
    expect(built.kind).toBe('escapes');
    expect(built.subtype).toBe('m2');
    expect(built.run).toBe('r1');
    expect(built.source).toMatch(/^go build -gcflags=\.\/\.\.\.=-m=2 \.\/\.\.\. in /);
    expect(built.labels.go).toMatch(/^go1\.\d+/);
    const report = await gpwJson<EscapeReport>(lib, 'escapes', built.id);
    const mine = [...new Set(report.sites.filter((s) => s.verdict !== 'leak').map((s) => `${s.line}:${s.column}: ${s.what}`))].sort();
    const ref = verdicts(direct);
    expect(ref.length).toBeGreaterThan(5);
    expect(mine).toEqual(ref);
    // The flows as the compiler printed them.
    expect(report.sites.some((s) => s.escapes && s.reasons.some((r) => r.startsWith('flow: ')))).toBe(true);
  });

  it('joins to the allocs profile of the same program in its run', async () => {
    const p = await hotspots('local');
    const heap = (await gpwJson<{ artifacts: Artifact[] }>(lib, 'import', p('heap.pb.gz'), '--run', 'r1')).artifacts[0];
    const report = await gpwJson<EscapeReport>(lib, 'escapes', built.id, '--profile', heap.id, '--sample-index', 'alloc_space');
    expect(report.notes).toEqual([]);
    expect(report.joined).toBeGreaterThan(0);
    expect(report.hot.length).toBeGreaterThan(0);
    expect(report.hot.filter((h) => h.sites.some((s) => s.escapes)).length).toBeGreaterThan(0);
  });

  it('says plainly what is wrong, and writes nothing', async () => {
    const count = async (): Promise<number> => (await gpwJson<{ artifacts: Artifact[] }>(lib, 'list')).artifacts.length;
    const before = await count();
    const plain = join(tmp.dir, 'plain');
    mkdirSync(plain, { recursive: true });
    let r = await gpw(lib, 'escapes', '--build', plain);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/plain has no go\.mod/);

    const broken = join(tmp.dir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'go.mod'), 'module example.com/broken\n\ngo 1.22\n');
    writeFileSync(join(broken, 'main.go'), 'package main\n\nfunc main() {\n\tx := make([]byte, 10)\n\tprintln(y, x)\n}\n');
    r = await gpw(lib, 'escapes', '--build', broken);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/go build -gcflags=\.\/\.\.\.=-m=2 \.\/\.\.\. in .*broken failed:\n.*main\.go:5:10: undefined: y/);

    r = await gpw(lib, 'escapes', '--build', mod, '--go', join(tmp.dir, 'no-such-go'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--go .*no-such-go: no such program/);

    r = await gpw(lib, 'escapes', '--build', mod, '--package', '-toolexec=x');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a Go package pattern/);

    r = await gpw(lib, 'escapes', '--build', mod, '--package', './nothere');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nothere/);
    expect(before).toBe(2);
    expect(await count()).toBe(before);
  }, 120_000);
});
