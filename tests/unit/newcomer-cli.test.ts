// What a newcomer hit on the command line and in the profile model (issue 14): gpw list's
// kind filter and its answer when nothing matches, a captured trace listed as a trace, a
// mistyped --library that must not create a library, and a threadcreate profile's frames
// named as pprof names them.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../src-main/api/types';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { hexAddress } from '../../src-main/analysis/frames';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { goProfile, tempDir } from '../helpers/paths';
import { gpw, gpwJson, pprofTop } from '../helpers/run';
import { gunzipSync } from 'node:zlib';

const tmp = tempDir('gpw-newcomer-cli-');
let server: { url: string; stop: () => Promise<void> };
const library = join(tmp.dir, 'lib.sqlite');

beforeAll(async () => {
  server = await startPprofServer(await buildPprofServer());
  // A library with a CPU profile and a trace captured from a real Go service.
  const imported = await gpw(library, 'import', goProfile('cpu'));
  expect(imported.code, imported.stderr).toBe(0);
  const captured = await gpw(library, 'capture', server.url, '--kind', 'trace:1', '--run', 'traced');
  expect(captured.code, captured.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('gpw list', () => {
  it('lists a captured execution trace as a trace (not by its subtype "go")', async () => {
    const r = await gpw(library, 'list', '--kind', 'trace');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].split(/\s{2,}/)[2]).toBe('trace');
    expect(lines[0]).toContain('run=traced');
    // The profile's line names its type.
    expect((await gpw(library, 'list', '--kind', 'cpu')).stdout.split(/\s{2,}/)[2]).toBe('cpu');
  });

  it('takes a profile type as --kind, says when a filter matches nothing, and refuses an unknown kind', async () => {
    const cpu = await gpwJson<{ artifacts: Artifact[] }>(library, 'list', '--kind', 'cpu');
    expect(cpu.artifacts.map((a) => a.subtype)).toEqual(['cpu']);
    const heap = await gpw(library, 'list', '--kind', 'heap');
    expect(heap.code).toBe(0);
    expect(heap.stdout).toBe('nothing matches --kind heap (the library holds 2 artifacts; gpw list shows them all)\n');
    const label = await gpw(library, 'list', '--label', 'env=none');
    expect(label.stdout).toMatch(/^nothing matches --label env=none /);
    const bogus = await gpw(library, 'list', '--kind', 'bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('--kind must be a kind (profile, perf, trace, gclog, metrics');
    expect(bogus.stderr).toContain('or a profile type (cpu, heap, allocs, block, mutex, goroutine, threadcreate');
    expect(bogus.stdout).toBe('');
  });
});

describe('--library naming a file that does not exist', () => {
  it('read-only commands say so and create nothing', async () => {
    const dir = join(tmp.dir, 'typo');
    const missing = join(dir, 'libary.sqlite');
    for (const args of [['list'], ['top', 'abc123'], ['trace', 'abc123'], ['merge', 'abc123', 'def456', '--out', join(tmp.dir, 'm.pb.gz')]]) {
      const r = await gpw(missing, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(`there is no library at ${missing}`);
    }
    // A file given by path needs no library.
    const top = await gpw(missing, 'top', goProfile('cpu'), '--nodecount', '3');
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toContain('flat%');
    expect(existsSync(dir)).toBe(false);
  });

  it('import creates it and says where', async () => {
    const fresh = join(tmp.dir, 'new', 'deeper', 'lib.sqlite');
    const r = await gpw(fresh, 'import', goProfile('heap'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`gpw: created a new library at ${fresh}\n`);
    expect(existsSync(fresh)).toBe(true);
    // The second time it exists: nothing said.
    const again = await gpw(fresh, 'import', goProfile('cpu'));
    expect(again.stderr).toBe('');
    expect(readdirSync(join(tmp.dir, 'new', 'deeper'))).toContain('lib.sqlite');
  });
});

describe('a threadcreate profile', () => {
  it('names its frames as go tool pprof -top does (<unknown>), not 0x-1', async () => {
    const res = await fetch(`${server.url}/debug/pprof/threadcreate`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const file = join(tmp.dir, 'threadcreate.pb.gz');
    writeFileSync(file, bytes);
    const p = decodePprof(gunzipSync(bytes));
    const g = buildFlameGraph(p, 0);
    // Every frame below the root node.
    const names = new Set(Array.from(g.nameIndex.subarray(1), (i) => g.names[i]));
    const pprof = await pprofTop(file, 'threadcreate', 'count', 0);
    expect([...names]).toEqual(pprof.rows.map((r) => r.name));
    expect([...names]).toEqual(['<unknown>']);
    expect(g.totalValue).toBe(pprof.total);
  });

  it('prints addresses of 2^63 and above unsigned', () => {
    expect(hexAddress(-1)).toBe('0xffffffffffffffff');
    expect(hexAddress(0x401040)).toBe('0x401040');
  });
});
