// Issue 16's defects, each with its minimal input, through the built gpw CLI (and the library
// for the concurrent writers): bounded pprof decoding, complete output through pipes, processes
// sharing a library, bounded flame-graph exports, values from 1e21, detection of text with
// NUL / control bytes / ANSI colours, a folded file whose first line is over 64 KiB, and input
// quoted in messages escaped and cut.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Library } from '../../src-main/library/library';
import { dispatch } from '../../src-main/api/contract';
import { Engine } from '../../src-main/engine';
import { MAX_DECODED_ENTRIES } from '../../src-main/formats/pprof/decode-pprof';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpw, run } from '../helpers/run';

/** stderr without the note a storing command prints when it makes a new library (gpw: created a new library at …). */
const quiet = (stderr: string): string => stderr.replace(/^gpw: created a new library at .*\n/gm, '');

const tmp = tempDir('gpw-harden-');
afterAll(() => tmp.cleanup());
const file = (name: string, bytes: Uint8Array | string): string => {
  const p = join(tmp.dir, name);
  writeFileSync(p, bytes);
  return p;
};
const ESC = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('1: pprof counts bounded by a memory budget, refused before allocating', () => {
  // A real profile followed by empty entries: two bytes each in the file, tens of bytes decoded.
  const padded = (entry: number[], count: number): string => {
    const real = gunzipSync(readFileSync(goProfile('cpu')));
    const pad = Buffer.alloc(entry.length * count);
    for (let i = 0; i < pad.length; i += entry.length) pad.set(entry, i);
    return file(`padded-${entry[0]}.pb.gz`, gzipSync(Buffer.concat([real, pad]), { level: 1 }));
  };

  it.each([
    ['empty strings', [0x32, 0x00]],
    ['empty samples', [0x12, 0x00]],
  ])('%s past the budget: a clear message, no crash', async (_what, entry) => {
    const lib = join(tmp.dir, 'budget.db');
    const r = await gpw(lib, 'import', padded(entry, MAX_DECODED_ENTRIES + 10));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/padded-\d+\.pb\.gz: .*more than 8,000,000 strings, samples, locations, functions and other entries .*memory budget/);
    expect(r.stderr).not.toMatch(/internal error|Fatal|invalid size/i);
  });

  it.each([
    ['location lines', 'a location with 9 million empty lines', /more than 8,000,000 location lines/],
    ['sample location ids', 'a sample with 65 million location ids', /more than 64,000,000 location ids in its samples/],
  ])('%s past the budget: refused before allocating', async (_what, _desc, message) => {
    const varint = (n: number): number[] => {
      const out: number[] = [];
      for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
      out.push(n);
      return out;
    };
    const field = (tag: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([tag, ...varint(payload.length)]), payload]);
    const repeated = (bytes: number[], n: number): Buffer => {
      const b = Buffer.alloc(bytes.length * n);
      for (let i = 0; i < b.length; i += bytes.length) b.set(bytes, i);
      return b;
    };
    const lines = _what === 'location lines';
    const location = lines ? field(0x22, Buffer.concat([Buffer.from([0x08, 0x01]), repeated([0x22, 0x00], 9_000_000)])) : field(0x22, Buffer.from([0x08, 0x01, 0x22, 0x02, 0x08, 0x01]));
    const sample = lines ? field(0x12, Buffer.from([0x0a, 0x01, 0x01, 0x10, 0x01])) : field(0x12, Buffer.concat([field(0x0a, repeated([0x01], 65_000_000)), Buffer.from([0x10, 0x01])]));
    const msg = Buffer.concat([
      Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02]),
      sample,
      location,
      Buffer.from([0x2a, 0x04, 0x08, 0x01, 0x10, 0x03]),
      Buffer.from([0x32, 0x00, 0x32, 0x07, ...Buffer.from('samples'), 0x32, 0x05, ...Buffer.from('count'), 0x32, 0x04, ...Buffer.from('main')]),
    ]);
    const r = await gpw(join(tmp.dir, 'lines.db'), 'import', file(`${_what.replace(/ /g, '-')}.pb.gz`, gzipSync(msg, { level: 1 })));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('more sample values than the bytes can hold: refused', async () => {
    // 300 sample types, 300 samples of no values: 90,000 values claimed by a few kB.
    const st = Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02]);
    const msg = Buffer.concat([...Array(300).fill(st), ...Array(300).fill(Buffer.from([0x12, 0x00])), Buffer.from([0x32, 0x00, 0x32, 0x01, 0x61, 0x32, 0x01, 0x62])]);
    const r = await gpw(join(tmp.dir, 'vals.db'), 'import', file('values.pb', msg));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/300 samples × 300 sample types need more values than its \d+ bytes can hold/);
  });
});

describe('2: every byte of the output reaches a pipe', () => {
  it('gpw list --json of several MB through a slow pipe, and EPIPE exits non-zero', async () => {
    const lib = join(tmp.dir, 'many.db');
    const l = new Library(lib);
    const filler = 'x'.repeat(1500);
    l.addArtifacts(
      Array.from({ length: 3000 }, (_, i) => {
        const bytes = new TextEncoder().encode(`main;f${i} 1\n`);
        return { kind: 'profile' as const, subtype: 'collapsed', bytes, sha256: String(i).padStart(64, '0'), file: `f${i}.folded`, source: 'test', capturedAt: null, durationNs: null, goVersion: null, labels: { note: filler }, summary: { headline: filler } as never };
      }),
      null,
    );
    l.close();
    const direct = await gpw(lib, 'list', '--json');
    expect(direct.code).toBe(0);
    expect(direct.stdout.length).toBeGreaterThan(4_000_000);
    expect(JSON.parse(direct.stdout).artifacts).toHaveLength(3000);
    const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(repoPath('bin/gpw.js'))} list --json`;
    const piped = await run('bash', ['-c', `set -o pipefail; ${cli} | (sleep 1; wc -c)`], { GPW_LIBRARY: lib });
    expect(piped.code).toBe(0);
    expect(Number(piped.stdout.trim())).toBe(Buffer.byteLength(direct.stdout));
    const cut = await run('bash', ['-c', `${cli} | head -c 100 >/dev/null; echo "status \${PIPESTATUS[0]}"`], { GPW_LIBRARY: lib });
    expect(cut.stdout.trim()).toBe('status 141');
  }, 120_000);
});

describe('3: processes importing into one library wait for each other', () => {
  it('3 processes × 3 imports of distinct 3 MB files at once: all succeed, integrity ok', async () => {
    const lib = join(tmp.dir, 'shared.db');
    const files = Array.from({ length: 9 }, (_, i) => {
      // Distinct folded stacks, 3 MB each: big enough that imports overlap.
      const lines: string[] = [];
      for (let k = 0; lines.length * 40 < 3_000_000; k++) lines.push(`main;proc${i};work${k % 5000};leaf${k} ${k + 1}`);
      return file(`load-${i}.folded`, lines.join('\n') + '\n');
    });
    const procs = [0, 1, 2].map((p) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const script = files.slice(p * 3, p * 3 + 3).map((f) => `${JSON.stringify(process.execPath)} ${JSON.stringify(repoPath('bin/gpw.js'))} import ${JSON.stringify(f)} || exit 1`).join('\n');
        const child = spawn('bash', ['-c', script], { env: { ...process.env, GPW_LIBRARY: lib } });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code: code ?? 1, stderr }));
      }),
    );
    const results = await Promise.all(procs);
    expect(quiet(results.map((r) => r.stderr).join(''))).toBe('');
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const db = new Database(lib, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n).toBe(9);
    db.close();
  }, 300_000);
});

describe('4, 7: a 100,000-deep stack: detected as folded, imported, its export refused with a message', () => {
  it('a folded file whose first line is over 64 KiB', async () => {
    const deep = file('deep.folded', `${Array(100_000).fill('f').join(';')} 1\n`);
    const lib = join(tmp.dir, 'deep.db');
    const imported = await gpw(lib, 'import', deep, '--json');
    expect(quiet(imported.stderr)).toBe('');
    expect(JSON.parse(imported.stdout).artifacts[0].kind).toBe('profile');
    for (const format of ['svg', 'png']) {
      const r = await gpw(lib, 'export', deep, '--format', format, '--out', join(tmp.dir, `deep.${format}`));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/too large to export: 100001 rows deep .* more than the 3000 rows/);
    }
  });

  it('a 10 MB frame name: the export cuts its label and tooltip', async () => {
    const wide = file('wide-name.folded', `main;${'n'.repeat(10_000_000)} 1\n`);
    const out = join(tmp.dir, 'wide.svg');
    const r = await gpw(join(tmp.dir, 'wide.db'), 'export', wide, '--format', 'svg', '--out', out);
    expect(quiet(r.stderr)).toBe('');
    expect(readFileSync(out).length).toBeLessThan(20_000);
  });
});

describe('1, 4: through the contract, as gpw serve calls it', () => {
  it('an upload past the pprof budget and the export of a 100,000-deep graph answer with messages', async () => {
    const engine = new Engine({ libraryPath: join(tmp.dir, 'serve.db'), workerPath: repoPath('out/main/profile-worker.js') });
    try {
      const real = gunzipSync(readFileSync(goProfile('mutex')));
      const pad = Buffer.alloc(2 * (MAX_DECODED_ENTRIES + 10));
      for (let i = 0; i < pad.length; i += 2) pad[i] = 0x32;
      const upload = await dispatch(engine, 'importFile', { name: 'strings.pb.gz', bytes: gzipSync(Buffer.concat([real, pad]), { level: 1 }) });
      expect(upload).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/memory budget/) } });
      const deep = await dispatch(engine, 'importFile', { name: 'deep.folded', bytes: new TextEncoder().encode(`${Array(100_000).fill('f').join(';')} 1\n`) });
      expect(deep.ok).toBe(true);
      const id = (deep as { value: { artifacts: { id: string }[] } }).value.artifacts[0].id;
      const svg = await dispatch(engine, 'exportView', { id, format: 'svg' });
      expect(svg).toMatchObject({ ok: false, error: { code: 'too_large', message: expect.stringMatching(/too large to export/) } });
      // The engine still answers.
      expect(await dispatch(engine, 'exportView', { id, format: 'collapsed' })).toMatchObject({ ok: true });
    } finally {
      await engine.close();
    }
  }, 120_000);
});

describe('5: values of 1e21 or more', () => {
  it('gpw top and the SVG and PNG exports of `main;work 1000000000000000000000`', async () => {
    const big = file('big.folded', 'main;work 1000000000000000000000\n');
    const lib = join(tmp.dir, 'big.db');
    const top = await gpw(lib, 'top', big);
    expect(quiet(top.stderr)).toBe('');
    expect(top.stdout).toMatch(/^1000000000000000000000 +100% +100% 1000000000000000000000 +100% +work$/m);
    for (const format of ['svg', 'png']) {
      const r = await gpw(lib, 'export', big, '--format', format, '--out', join(tmp.dir, `big.${format}`));
      expect(quiet(r.stderr)).toBe('');
    }
    expect(readFileSync(join(tmp.dir, 'big.svg'), 'utf8')).toContain('total 1000000000000000000000');
  });
});

describe('6: text with NUL bytes, control bytes or ANSI colours is still recognised', () => {
  it('a gctrace log mixed with a program\'s coloured output', async () => {
    const gc = (n: number): string => `gc ${n} @0.${String(n).padStart(3, '0')}s 1%: 0.010+0.20+0.003 ms clock, 0.040+0.10/0.30/0.20+0.012 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P`;
    const lines: string[] = [];
    for (let n = 1; n <= 40; n++) lines.push(`\u001b[32mINFO\u001b[0m \u001b[1mrequest\u001b[0m ${n} served in \u001b[33m${n}ms\u001b[0m`, gc(n));
    const log = file('colour.log', lines.join('\n') + '\n');
    const r = await gpw(join(tmp.dir, 'colour.db'), 'import', log, '--json');
    expect(quiet(r.stderr)).toBe('');
    expect(JSON.parse(r.stdout).artifacts[0].kind).toBe('gclog');
  });

  it('folded stacks with a NUL byte in a frame name', async () => {
    const text = `main;a;b 10\nmain;a;c 5\nmain;x\u0000y 3\nmain;d 2\n`;
    const r = await gpw(join(tmp.dir, 'nul.db'), 'import', file('nul.folded', text), '--json');
    expect(quiet(r.stderr)).toBe('');
    expect(JSON.parse(r.stdout).artifacts[0].kind).toBe('profile');
  });
  it('a perf script with a NUL in a command name', async () => {
    const sample = (comm: string, t: number, leaf: string): string =>
      `${comm}  4242 [001] 1000.${String(t).padStart(6, '0')}:    1001001 cpu-clock:\n\t          4011a0 ${leaf}+0x10 (/work/app)\n\t          401200 main.main+0x20 (/work/app)\n\t          4012f0 runtime.main+0x30 (/work/app)\n\n`;
    let text = '';
    for (let i = 0; i < 20; i++) text += sample(i === 3 ? 'wor\u0000ker' : 'worker', i, i % 2 ? 'main.encode' : 'main.hash');
    const r = await gpw(join(tmp.dir, 'perfnul.db'), 'import', file('nul.perf', text), '--json');
    expect(quiet(r.stderr)).toBe('');
    expect(JSON.parse(r.stdout).artifacts[0]).toMatchObject({ kind: 'perf', subtype: 'cpu-clock' });
  });
});

describe('8: input quoted in messages is escaped and cut', () => {
  it('terminal escape sequences from a Prometheus file never reach the terminal', async () => {
    const prom = file('evil.prom', '# HELP up ok\n# TYPE up gauge\nup{a="b"} 1\n\u001b]0;owned\u0007\u001b[2J 5\n');
    const r = await gpw(join(tmp.dir, 'evil.db'), 'import', prom);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 4: "\\x1b\]0;owned\\x07\\x1b\[2J 5" does not start with a metric name/);
    expect(r.stderr).not.toMatch(ESC);
  });

  it('a 1 MB metric name gives a short message', async () => {
    const prom = file('long.prom', `# TYPE up gauge\nup 1\n${'m'.repeat(1_000_000)} notanumber\n`);
    const r = await gpw(join(tmp.dir, 'long.db'), 'import', prom);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3: "m{80}…" \(1000000 characters\) has no valid value/);
    expect(r.stderr.length).toBeLessThan(600);
  });

  it('expvar JSON with escape sequences: the JSON error is escaped', async () => {
    const r = await gpw(join(tmp.dir, 'ev.db'), 'import', file('evil.json', '{"cmdline": ["x"], "memstats": {}, \u001b[2J\u001b]0;t\u0007 }'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stderr).not.toMatch(ESC);
  });
});
