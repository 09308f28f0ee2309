// Goroutine dumps: real ?debug=2 and ?debug=1 dumps written by Go 1.20 … 1.26 (tests/go/dumpgen:
// goroutines in known states), the older layouts of Go 1.12–1.18 and 1.26's newer header parts
// as the runtime prints them, dumps cut at many places, detection, grouping and the diff.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGoroutineDump } from '../../src-main/formats/goroutine-dump/parse-goroutine-dump';
import { detectFormat } from '../../src-main/formats/detect-format';
import { diffGoroutines, groupGoroutines, waitBucket } from '../../src-main/analysis/goroutines/goroutine-groups';
import { FormatError } from '../../src-main/formats/format-error';
import { buildGoService } from '../go/pprofserver/harness.mjs';
import { repoPath } from '../helpers/paths';

const TOOLCHAINS = ['go1.20.14', 'go1.21.13', 'go1.24.13', ''];
const enc = new TextEncoder();
const dumps = new Map<string, { d2: Uint8Array; d1: Uint8Array; expected: Record<string, number>; minor: number }>();

beforeAll(async () => {
  for (const tc of TOOLCHAINS) {
    const bin = await buildGoService(repoPath('tests/go/dumpgen'), 'dumpgen', tc);
    const out = repoPath(`tests/.tmp/dumpgen/${tc || 'default'}`);
    mkdirSync(out, { recursive: true });
    execFileSync(bin, ['-out', out], { timeout: 30_000 });
    const version = tc || execFileSync('go', ['env', 'GOVERSION']).toString().trim();
    dumps.set(tc || 'default', {
      d2: readFileSync(join(out, 'dump2.txt')),
      d1: readFileSync(join(out, 'dump1.txt')),
      expected: JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8')) as Record<string, number>,
      minor: Number(/go1\.(\d+)/.exec(version)![1]),
    });
  }
}, 600_000);

/** Goroutines (sum of counts) whose stack holds fn. */
const countWith = (d: ReturnType<typeof parseGoroutineDump>, fn: string): number =>
  d.goroutines.filter((g) => g.frames.some((f) => f.func === fn)).reduce((s, g) => s + g.count, 0);

describe('real dumps from Go 1.20 to 1.26', () => {
  for (const tc of TOOLCHAINS) {
    const name = tc || 'default (1.26)';
    it(`${name}: debug=2 goroutines, states, locked thread, elided frames, creators`, () => {
      const { d2, expected, minor } = dumps.get(tc || 'default')!;
      expect(detectFormat(d2.subarray(0, 65536))).toEqual({ format: 'goroutine-dump' });
      const d = parseGoroutineDump(d2);
      expect(d.format).toBe('debug=2');
      expect(d.warnings).toEqual([]);
      expect(d.cutAt).toBeNull();
      for (const [fn, n] of Object.entries(expected)) expect(countWith(d, fn), fn).toBe(n);
      const of = (fn: string) => d.goroutines.filter((g) => g.frames.some((f) => f.func === fn));
      expect(new Set(of('main.waitChan').map((g) => g.state))).toEqual(new Set(['chan receive']));
      expect(new Set(of('main.waitSelect').map((g) => g.state))).toEqual(new Set(['select']));
      expect(new Set(of('main.sleeper').map((g) => g.state))).toEqual(new Set(['sleep']));
      expect(new Set(of('main.waitMutex').map((g) => g.state))).toEqual(new Set([minor >= 20 ? 'sync.Mutex.Lock' : 'semacquire']));
      expect(of('main.lockedWait')[0].lockedToThread).toBe(true);
      // Go 1.20 cuts a deep stack at 100 frames without saying so; 1.21+ says "...N frames elided...".
      expect(of('main.deepRecursion')[0].elided).toBe(minor >= 21);
      const chan = of('main.waitChan')[0];
      expect(chan.createdBy?.func).toBe('main.main');
      expect(chan.createdBy?.goroutine).toBe(minor >= 21 ? 1 : null);
      expect(chan.frames[0].file).toMatch(/dumpgen\/main\.go$/);
      expect(new Set(d.goroutines.map((g) => g.id)).size).toBe(d.goroutines.length);
      // Grouping: the three chan receivers are one group with their three ids.
      const groups = groupGoroutines(d);
      const g = groups.groups.find((x) => x.stack.includes('main.waitChan'))!;
      expect(g.count).toBe(3);
      expect(g.ids).toEqual(of('main.waitChan').map((x) => x.id).sort((a, b) => a! - b!));
      expect(g.waitMinutes).toEqual([0, 1]);
      expect(groups.total).toBe(d.goroutines.length);
    });
    it(`${name}: debug=1 counts per stack`, () => {
      const { d1, expected } = dumps.get(tc || 'default')!;
      expect(detectFormat(d1.subarray(0, 65536))).toEqual({ format: 'goroutine-dump' });
      const d = parseGoroutineDump(d1);
      expect(d.format).toBe('debug=1');
      expect(d.profile).toBe('goroutine');
      expect(d.total).toBe(d.statedTotal);
      expect(d.cutAt).toBeNull();
      for (const [fn, n] of Object.entries(expected)) expect(countWith(d, fn), fn).toBe(n);
    });
  }

  it('a debug=2 dump cut anywhere inside a goroutine keeps the ones before it and says where it stopped', () => {
    const text = new TextDecoder().decode(dumps.get('default')!.d2);
    const lines = text.split('\n');
    const headers = lines.flatMap((l, i) => (/^goroutine \d+ \[/.test(l) ? [i] : []));
    expect(headers.length).toBeGreaterThan(10);
    for (let k = 1; k < headers.length; k += 2) {
      const start = lines.slice(0, headers[k]).join('\n').length + 1;
      const end = k + 1 < headers.length ? lines.slice(0, headers[k + 1]).join('\n').length - 1 : text.length;
      for (const frac of [0.05, 0.5, 0.95]) {
        const cut = start + Math.max(1, Math.floor((end - start) * frac));
        const d = parseGoroutineDump(enc.encode(text.slice(0, cut)));
        expect(d.goroutines.length, `cut at ${cut}`).toBe(k);
        expect(d.cutAt?.line).toBe(headers[k] + 1);
        expect(d.warnings[0]).toMatch(new RegExp(`stops inside (goroutine \\d+ \\(it|the goroutine that) starts at line ${headers[k] + 1}, byte ${enc.encode(text.slice(0, start)).length}`));
      }
    }
  });

  it('a debug=1 profile cut inside a record drops that record only', () => {
    const text = new TextDecoder().decode(dumps.get('default')!.d1);
    const cut = text.lastIndexOf('\n#', text.length - 3) + 4;
    const d = parseGoroutineDump(enc.encode(text.slice(0, cut)));
    const full = parseGoroutineDump(enc.encode(text));
    expect(d.goroutines.length).toBe(full.goroutines.length - 1);
    expect(d.cutAt).not.toBeNull();
    expect(d.warnings[0]).toMatch(/stops inside a stack record/);
  });
});

describe('layouts of other Go releases and of crashes', () => {
  // Go 1.12–1.16: arguments as plain words, no "in goroutine N", semacquire for mutexes, minutes.
  const go112 = `goroutine 1 [running]:
main.main()
	/tmp/x/main.go:30 +0x1d4

goroutine 18 [chan receive, 12 minutes]:
main.worker(0xc00008e060, 0x5)
	/tmp/x/main.go:12 +0x4f
created by main.main
	/tmp/x/main.go:25 +0x9d

goroutine 19 [chan receive, 12 minutes]:
main.worker(0xc00008e060, 0x6)
	/tmp/x/main.go:12 +0x4f
created by main.main
	/tmp/x/main.go:25 +0x9d

goroutine 20 [semacquire, 3 minutes]:
sync.runtime_SemacquireMutex(0xc0000a6014, 0x0, 0x1)
	/usr/local/go/src/runtime/sema.go:71 +0x47
sync.(*Mutex).lockSlow(0xc0000a6010)
	/usr/local/go/src/sync/mutex.go:138 +0xfc
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:81
main.locker(0xc0000a6010)
	/tmp/x/main.go:17 +0x3e
created by main.main
	/tmp/x/main.go:27 +0xc5

goroutine 21 [select, locked to thread]:
runtime.gopark(0x4c6a18, 0x0, 0x1809, 0x1)
	/usr/local/go/src/runtime/proc.go:306 +0xe5
main.pinned()
	/tmp/x/main.go:20 +0x3e
...additional frames elided...
created by main.main
	/tmp/x/main.go:28 +0xd1
`;
  it('Go 1.12–1.16 (word arguments, "created by" alone, semacquire, minutes, locked to thread, elided)', () => {
    const d = parseGoroutineDump(enc.encode(go112));
    expect(d.warnings).toEqual([]);
    expect(d.goroutines.map((g) => [g.id, g.state, g.waitMinutes, g.lockedToThread, g.elided])).toEqual([
      [1, 'running', 0, false, false],
      [18, 'chan receive', 12, false, false],
      [19, 'chan receive', 12, false, false],
      [20, 'semacquire', 3, false, false],
      [21, 'select', 0, true, true],
    ]);
    expect(d.goroutines[3].frames.map((f) => f.func)).toEqual(['sync.runtime_SemacquireMutex', 'sync.(*Mutex).lockSlow', 'sync.(*Mutex).Lock', 'main.locker']);
    expect(d.goroutines[3].frames[2]).toEqual({ func: 'sync.(*Mutex).Lock', file: '/usr/local/go/src/sync/mutex.go', line: 81 });
    const g = groupGoroutines(d);
    const workers = g.groups.find((x) => x.stack[0] === 'main.worker')!;
    expect(workers).toMatchObject({ count: 2, state: 'chan receive', waitMinutes: [10, 30], ids: [18, 19], createdBy: 'main.main', createdByLocation: '/tmp/x/main.go:25' });
    expect(groupGoroutines(d, { minWaitMinutes: 5 }).shown).toBe(2);
    expect(groupGoroutines(d, { state: 'SEMA' }).groups.map((x) => x.stack.at(-1))).toEqual(['main.locker']);
    expect(groupGoroutines(d, { func: 'pinned' }).shown).toBe(1);
  });

  it('Go 1.26: gp=/m= in the header, (leaked), durable, synctest bubble, labels; a SIGQUIT preamble', () => {
    const text = `SIGQUIT: quit
PC=0x47a1c1 m=0 sigcode=0

goroutine 0 gp=0x5b1e40 m=0 mp=0x5b2c40 [idle]:
runtime.futex(0x5b2d80, 0x80, 0x0, 0x0, 0x0, 0x0)
	/usr/local/go/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7ffc sp=0x7ffc pc=0x47a1c1

goroutine 7 gp=0xc000003a40 m=nil [chan receive (leaked), 6 minutes, synctest bubble 3 labels:{"handler": "/leak, v2", "k": "v"}]:
main.leaky({0x1?, 0x2})
	/src/main.go:40 +0x25
created by main.handler in goroutine 5
	/src/main.go:38 +0x66

goroutine 8 [select (no cases), 1 minutes]:
main.forever(...)
	/src/main.go:50
main.start.func1()
	/src/main.go:44 +0x1a
created by main.start in goroutine 1
	/src/main.go:43 +0x2f
`;
    expect(detectFormat(enc.encode(text))).toEqual({ format: 'goroutine-dump' });
    const d = parseGoroutineDump(enc.encode(text));
    expect(d.warnings[0]).toMatch(/lines 1–3: text before the first goroutine skipped/);
    expect(d.goroutines.map((g) => [g.id, g.state, g.leaked, g.waitMinutes])).toEqual([[0, 'idle', false, 0], [7, 'chan receive', true, 6], [8, 'select (no cases)', false, 1]]);
    expect(d.goroutines[1].labels).toEqual({ handler: '/leak, v2', k: 'v' });
    expect(d.goroutines[1].createdBy).toEqual({ func: 'main.handler', file: '/src/main.go', line: 38, goroutine: 5 });
    expect(d.goroutines[2].frames[0]).toEqual({ func: 'main.forever', file: '/src/main.go', line: 50 });
    expect(d.goroutines[0].frames[0].line).toBe(557);
    expect(groupGoroutines(d).groups.find((g) => g.state === 'chan receive')?.leaked).toBe(1);
  });

  it('bad input: no goroutine, a cut first goroutine, other text', () => {
    expect(() => parseGoroutineDump(enc.encode('goroutine 5 [chan receive]:\nmain.f()\n'))).toThrow(/stops inside its first goroutine \(line 1, byte 0/);
    expect(() => parseGoroutineDump(enc.encode('hello\nworld\n'))).toThrow(FormatError);
    expect(() => parseGoroutineDump(enc.encode(''))).toThrow(/empty/);
    expect(detectFormat(enc.encode('threadcreate profile: total 3\n3 @ 0x1\n'))).toMatchObject({ format: null });
    expect(detectFormat(enc.encode('gpw.sessions profile: total 2\n2 @ 0x85ccec 0x496a41\n#\t0x85cceb\tmain.leakyWait+0x6b\t/src/main.go:111\n\n'))).toEqual({ format: 'goroutine-dump' });
  });
});

describe('groups and the leak diff', () => {
  const dump = (counts: Record<string, [number, string, number]>): Uint8Array => {
    let id = 1;
    let text = '';
    for (const [fn, [n, state, minutes]] of Object.entries(counts)) {
      for (let i = 0; i < n; i++) text += `${text ? '\n' : ''}goroutine ${++id} [${state}${minutes ? `, ${minutes} minutes` : ''}]:\n${fn}()\n\t/src/main.go:${fn.length}\ncreated by main.main in goroutine 1\n\t/src/main.go:9 +0x1\n`;
    }
    return enc.encode(text);
  };
  it('which groups grew, which are new, which waited longer', () => {
    const a = parseGoroutineDump(dump({ 'main.leak': [5, 'chan receive', 0], 'main.steady': [3, 'select', 2], 'main.gone': [2, 'sleep', 0] }));
    const b = parseGoroutineDump(dump({ 'main.leak': [9, 'chan receive', 1], 'main.steady': [3, 'select', 7], 'main.fresh': [4, 'IO wait', 0] }));
    const rows = diffGoroutines(a, b);
    expect(rows.map((r) => [r.stack[0], r.before, r.after, r.growth, r.isNew])).toEqual([
      ['main.leak', 5, 9, 4, false],
      ['main.fresh', 0, 4, 4, true],
      ['main.steady', 3, 3, 0, false],
      ['main.gone', 2, 0, -2, false],
    ]);
    expect(rows[2]).toMatchObject({ maxWaitBefore: 2, maxWaitAfter: 7 });
    expect(diffGoroutines(a, b, { state: 'chan' }).map((r) => r.stack[0])).toEqual(['main.leak']);
    expect(diffGoroutines(a, a)).toEqual([]);
    expect(diffGoroutines(a, a, {}, true)).toHaveLength(3);
  });
  it('wait buckets', () => {
    expect([0, 1, 4, 5, 12, 59, 60, 2000].map(waitBucket)).toEqual([[0, 1], [1, 5], [1, 5], [5, 10], [10, 30], [30, 60], [60, 120], [1440, null]]);
  });
});
