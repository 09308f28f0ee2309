// Streamed perf script and folded text (a file read in chunks, never whole): pieces cut at
// every awkward place — mid-line, inside a UTF-8 or UTF-16 character, between the "\r" and
// "\n" of CRLF — fold exactly as the whole text does; a file read by the worker's chunked reader
// gives the same profile and the SHA-256 of its bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapseProfile, stackcollapsePerfOptions } from '../../src-main/analysis/collapsed';
import { FoldedStream, parseFolded } from '../../src-main/formats/folded/parse-folded';
import { parsePerfScript, PerfScriptStream } from '../../src-main/formats/perf-script/parse-perf-script';
import { forEachLine, LineSplitter } from '../../src-main/formats/text-lines';
import { sampleTypeIndex, type Profile } from '../../src-main/model/profile';
import { decodeProfileFile } from '../../src-main/workers/profile-file';
import { seededRandom } from '../helpers/seeded-random.mjs';
import { FIXTURES, tempDir } from '../helpers/paths';
import { gpw } from '../helpers/run';
import { Library } from '../../src-main/library/library';
import { deflateFile, type DeflatedParts } from '../../src-main/library/blobs';

const folded = (p: Profile): string => collapseProfile(p, sampleTypeIndex(p, p.defaultSampleType), stackcollapsePerfOptions({ pid: true, tid: true }));

/**
 * A real perf script (FlameGraph's test file) with non-ASCII names added — two- three- and
 * four-byte UTF-8 characters in a command and in symbols — so that cuts fall inside characters.
 */
function perfText(): string {
  const base = readFileSync(join(FIXTURES, 'perf/flamegraph-tests/perf-funcab-pid-01.txt'), 'utf8').slice(0, 6000);
  const cut = base.lastIndexOf('\n\n') + 2;
  const extra =
    'café-wörker 4242/4243 [001] 12.500000: 1 cpu-clock: \n' +
    '\t  4005d4 naïve_ßum+0x4 (/usr/bin/日本語)\n' +
    '\t  400600 main.😀handler+0x10 (/usr/bin/日本語)\n' +
    '\n';
  return base.slice(0, cut) + extra + extra;
}

/** Every way of cutting `bytes` into two pieces, plus one-byte pieces, plus random pieces. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  const rnd = seededRandom(15);
  for (let k = 0; k < 20; k++) {
    const pieces: Uint8Array[] = [];
    for (let off = 0; off < bytes.length; ) {
      const n = 1 + Math.floor(rnd() * 40);
      pieces.push(bytes.subarray(off, off + n));
      off += n;
    }
    out.push(pieces);
  }
  return out;
}

function streamedPerf(pieces: Uint8Array[]): Profile {
  const s = new PerfScriptStream();
  // The buffer is reused between pieces, as the file reader reuses its own (a Buffer, whose
  // slice() is a view: what the stream keeps of a piece must be a copy).
  const buf = Buffer.alloc(Math.max(...pieces.map((p) => p.length)));
  for (const p of pieces) {
    buf.set(p);
    s.push(buf.subarray(0, p.length));
    buf.fill(0);
  }
  return s.finish();
}

describe('perf script read in pieces', () => {
  const text = perfText();
  for (const [name, variant] of [
    ['LF', text],
    ['CRLF', text.replaceAll('\n', '\r\n')],
  ] as const) {
    it(`folds as the whole file at every cut (${name}, UTF-8)`, () => {
      const bytes = new TextEncoder().encode(variant);
      const whole = folded(parsePerfScript(bytes));
      expect(whole).toContain('café-wörker-4242/4243;main.😀handler;naïve_ßum 2');
      const all = splits(bytes);
      expect(all.length).toBeGreaterThan(bytes.length);
      for (const pieces of all) {
        const got = folded(streamedPerf(pieces));
        if (got !== whole) expect({ cuts: pieces.map((p) => p.length), got }).toEqual({ cuts: pieces.map((p) => p.length), got: whole });
      }
    });
  }

  it('reports the same line numbers for bad lines at every cut', () => {
    const bytes = new TextEncoder().encode(`${text}this is not perf\n`.replaceAll('\n', '\r\n'));
    const whole = parsePerfScript(bytes).comments;
    expect(whole.join('\n')).toMatch(/1 line not in perf script form skipped \(line \d+\)/);
    for (let i = 1; i < bytes.length; i += 7) expect(streamedPerf([bytes.subarray(0, i), bytes.subarray(i)]).comments).toEqual(whole);
  });
});

describe('lines read in pieces', () => {
  const text = 'ä;ö;€ 1\r\nplain;😀 22\n\r\nlast line without break ß';
  const linesOf = (pieces: Uint8Array[]): string[] => {
    const got: string[] = [];
    const s = new LineSplitter((l) => void got.push(l));
    for (const p of pieces) s.push(p);
    s.end();
    return got;
  };
  const encodings: [string, Uint8Array][] = [
    ['UTF-8', new TextEncoder().encode(text)],
    ['UTF-8 with BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)])],
    ['UTF-16LE', new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from(text.split(''), (c) => c.charCodeAt(0)).buffer)])],
    ['UTF-16BE', new Uint8Array([0xfe, 0xff, ...text.split('').map((c) => c.charCodeAt(0)).flatMap((u) => [u >> 8, u & 255])])],
  ];
  for (const [name, bytes] of encodings) {
    it(`gives the whole text's lines at every cut (${name})`, () => {
      const whole: string[] = [];
      forEachLine(bytes, (l) => void whole.push(l));
      expect(whole).toEqual(['ä;ö;€ 1', 'plain;😀 22', '', 'last line without break ß']);
      for (const pieces of splits(bytes)) expect(linesOf(pieces)).toEqual(whole);
    });
  }

  for (const [name, bytes] of encodings.slice(0, 2)) {
    it(`gives the same lines and numbers at every cut when a filter takes some as bytes (${name})`, () => {
      // The filter takes lines starting with "p" (as perf script's known frame lines are taken) and decodes them itself.
      const linesAndTaken = (pieces: Uint8Array[]): string[] => {
        const got: string[] = [];
        const s = new LineSplitter((l, n) => void got.push(`${n}:${l}`), {
          lines: 1,
          take: (b, start, end, next) => (b[start] === 0x70 && got.push(`${got.length + 1}:taken:${new TextDecoder().decode(b.subarray(start, end))}`) > 0 ? next : -1),
        });
        const buf = Buffer.alloc(bytes.length);
        for (const p of pieces) {
          buf.set(p);
          s.push(buf.subarray(0, p.length));
          buf.fill(0);
        }
        s.end();
        return got;
      };
      const whole = linesAndTaken([bytes]);
      expect(whole).toEqual(['1:ä;ö;€ 1', '2:taken:plain;😀 22', '3:', '4:last line without break ß']);
      for (const pieces of splits(bytes)) expect(linesAndTaken(pieces)).toEqual(whole);
    });
  }

  it('folded stacks: the same sums at every cut', () => {
    const bytes = new TextEncoder().encode('a;b;ç 3\r\na;b;ç 4\r\n# comment\r\nx;😀 1\r\nbroken line\r\n');
    const whole = parseFolded(bytes);
    for (const pieces of splits(bytes)) {
      const s = new FoldedStream();
      // A reused Buffer, as the file reader's (what the stream keeps of a piece must be a copy).
      const buf = Buffer.alloc(bytes.length);
      for (const p of pieces) {
        buf.set(p);
        s.push(buf.subarray(0, p.length));
        buf.fill(0);
      }
      const got = s.finish();
      expect(collapseProfile(got, 0)).toBe(collapseProfile(whole, 0));
      expect(got.comments).toEqual(whole.comments);
    }
  });
});

describe('a file read by the chunked reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpw-perfstream-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the profile of the whole bytes; a bad line is named by its number (the SHA-256 is deflateFile\'s, below)', () => {
    const bytes = new TextEncoder().encode(perfText());
    const file = join(dir, 'perf.txt');
    writeFileSync(file, bytes);
    const progress: number[] = [];
    const read = decodeProfileFile(file, { onProgress: (done) => progress.push(done) });
    expect(read.size).toBe(bytes.length);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(folded(read.profile)).toBe(folded(parsePerfScript(bytes)));

    const bad = join(dir, 'folded.txt');
    writeFileSync(bad, 'main;a;b 1\nmain;a;c 2\nmain;d 5\nnot a stack\n');
    expect(decodeProfileFile(bad).profile.comments.join('\n')).toMatch(/skipped 1 line .*line 4 "not a stack"/);
  });
});

describe('deflateFile (the library\'s copy of a streamed file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpw-deflatefile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The temporary file's pieces, in order, inflated. */
  const inflated = (d: DeflatedParts): Buffer => inflateRawSync(readFileSync(d.file));

  it('gives back the bytes of files empty, smaller than a read and not a whole number of reads, with their SHA-256', async () => {
    const random = seededRandom(15);
    // Text with a run of incompressible bytes in it, 2.5 MiB + 7: three reads, the last short.
    const text = Buffer.from(perfText().repeat(300));
    const noise = Buffer.from(Array.from({ length: 1 << 20 }, () => Math.floor(random() * 256)));
    const big = Buffer.concat([text, noise, text]).subarray(0, 2.5 * 2 ** 20 + 7);
    for (const [name, bytes] of [['empty', Buffer.alloc(0)], ['small', Buffer.from(perfText())], ['big', big]] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const d = await deflateFile(file);
      try {
        expect(d.size, name).toBe(bytes.length);
        expect(d.sha256, name).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(d.parts.reduce((a, b) => a + b, 0), name).toBe(statSync(d.file).size);
        expect(Buffer.compare(inflated(d), bytes), name).toBe(0);
      } finally {
        d.dispose();
      }
      expect(existsSync(d.file), name).toBe(false);
    }
  });

  it('stops when aborted and leaves no temporary file; a missing file is an error', async () => {
    const file = join(dir, 'aborted');
    writeFileSync(file, Buffer.from(perfText().repeat(2000)));
    // Its temporary files go to a folder of this test's own, to be counted.
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      const abort = new AbortController();
      abort.abort();
      await expect(deflateFile(file, abort.signal)).rejects.toThrow(/abort/i);
      await expect(deflateFile(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
      const done = new AbortController();
      const running = deflateFile(file, done.signal);
      done.abort();
      await expect(running).rejects.toThrow(/abort/i);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe('gpw import of a streamed file (built CLI)', () => {
  const tmp = tempDir('gpw-perfstream-cli-');
  afterAll(() => tmp.cleanup());

  it('stores the file byte for byte in deflated pieces, prints progress with --progress, and folds as the file does', async () => {
    // ~10 MB: several chunks of the worker's reader and many pieces of the deflated blob.
    const one = readFileSync(join(FIXTURES, 'perf/flamegraph-tests/perf-vertx-stacks-01.txt'), 'utf8').replace(/\n*$/, '\n\n');
    const file = join(tmp.dir, 'vertx-x10.perf.txt');
    writeFileSync(file, one.repeat(10));
    const library = join(tmp.dir, 'lib.sqlite');
    const imported = await gpw(library, 'import', file, '--progress');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/vertx-x10\.perf\.txt: read 10 of 10 MiB \(100 %\)/);
    const id = /imported (\S+)/.exec(imported.stdout)![1];

    const lib = new Library(library);
    try {
      const row = lib.db.prepare('SELECT a.blob_sha256 AS sha, (SELECT count(*) FROM blob_parts p WHERE p.sha256 = a.blob_sha256) AS parts FROM artifacts a WHERE id = ?').get(id) as { sha: string; parts: number };
      const bytes = readFileSync(file);
      expect(row.sha).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.parts).toBeGreaterThan(1);
      expect(Buffer.compare(Buffer.from(lib.blobs.get(row.sha)!), bytes)).toBe(0);
      expect(lib.blobBytes()).toBeLessThan(bytes.length / 5);
    } finally {
      lib.close();
    }

    const fromFile = join(tmp.dir, 'file.folded');
    const fromLibrary = join(tmp.dir, 'library.folded');
    expect((await gpw(library, 'export', file, '--format', 'collapsed', '--out', fromFile)).code).toBe(0);
    expect((await gpw(library, 'export', id, '--format', 'collapsed', '--out', fromLibrary)).code).toBe(0);
    expect(readFileSync(fromLibrary, 'utf8')).toBe(readFileSync(fromFile, 'utf8'));
    const whole = parsePerfScript(new TextEncoder().encode(one.repeat(10)));
    expect(readFileSync(fromFile, 'utf8')).toBe(collapseProfile(whole, sampleTypeIndex(whole, whole.defaultSampleType)));
  }, 120_000);
});
