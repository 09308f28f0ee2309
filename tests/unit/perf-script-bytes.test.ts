// perf script lines read from their bytes, without being decoded: record lines of a kind read
// before (scanRecordLineBytes + the kind's bytes) and whole blocks of frame lines seen before
// (record-block-cache.ts). Each record read by a fresh reader never takes these paths (nothing
// was read before it), so a text must fold as the sum of its records each read alone, whole or
// cut into pieces anywhere; and the record line's time must be exactly Number() of its text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePerfScript, PerfScriptStream } from '../../src-main/formats/perf-script/parse-perf-script';
import { parseRecordExtras, parseRecordHeader, scanRecordLineBytes, type RecordLineScan } from '../../src-main/formats/perf-script/perf-lines';
import type { Profile } from '../../src-main/model/profile';
import { FIXTURES } from '../helpers/paths';
import { seededRandom } from '../helpers/seeded-random.mjs';

/**
 * Each sample's values as "event type | labels | stack (leaf last)" → the value, summed: what a
 * profile says, in any order ("samples" of a capture of one event named as in one of several).
 * A record without a period counts 1 in its event's period sum when other records of the event
 * have one (`periodEvents`): a record read alone has no period sum then, only its count.
 */
function sums(p: Profile, into = new Map<string, number>(), periodEvents = new Set<string>()): Map<string, number> {
  const n = p.sampleTypes.length;
  const types = p.sampleTypes.map((t) => (t.type === 'samples' ? `${p.periodType?.type}_samples` : t.type));
  const alsoAs = types.map((t) => (t.endsWith('_samples') && !types.includes(t.slice(0, -8)) && periodEvents.has(t.slice(0, -8)) ? t.slice(0, -8) : null));
  for (let s = 0; s < p.sampleCount; s++) {
    const labels: string[] = [];
    for (let l = p.sampleLabelStart[s]; l < p.sampleLabelStart[s + 1]; l++) {
      labels.push(`${p.strings[p.labelKey[l]]}=${p.labelStr[l] ? p.strings[p.labelStr[l]] : p.labelNum[l]}`);
    }
    const frames: string[] = [];
    for (let i = p.sampleLocStart[s + 1] - 1; i >= p.sampleLocStart[s]; i--) {
      const loc = p.sampleLocs[i];
      const file = p.locMapping[loc] >= 0 ? p.mappings[p.locMapping[loc]].file : '';
      for (let l = p.locLineStart[loc + 1] - 1; l >= p.locLineStart[loc]; l--) frames.push(`${p.strings[p.functionName[p.lineFunction[l]]]}@${file}`);
    }
    for (let t = 0; t < n; t++) {
      const v = p.values[s * n + t];
      if (v === 0) continue;
      for (const type of [types[t], alsoAs[t]]) {
        if (type === null) continue;
        const key = `${type} | ${labels.sort().join(',')} | ${frames.join(';')}`;
        into.set(key, (into.get(key) ?? 0) + v);
      }
    }
  }
  return into;
}

/** The keys whose sums differ (the first few), with both sums: [] when the two say the same. */
function differences(got: Map<string, number>, expected: Map<string, number>): string[] {
  const out: string[] = [];
  for (const key of new Set([...got.keys(), ...expected.keys()])) {
    if (got.get(key) !== expected.get(key) && out.length < 5) out.push(`${key}: ${got.get(key)} (expected ${expected.get(key)})`);
  }
  return out;
}

const recursive = (digits: string[]): string =>
  digits.map((d, i) => `\t  ea1${d}${i % 10} main.fib+0x${d}${i % 10} (/srv/app)\n`).join('') + '\t  4a0c1 main.main+0x21 (/srv/app)\n\t  3b0e0 runtime.main+0x200 (/srv/app)\n';

/**
 * Records that take every path: kinds with and without [cpu], pid/tid and pid, a command with
 * blanks, a java process with the frame bytes of a native one, periods and none, blocks of a
 * recursive function that differ in one digit (same length), short blocks, a record line inside
 * a record (its frames go on from the open stack), comment and unreadable lines inside a record,
 * then FlameGraph's real captures.
 */
function corpus(): string {
  const rnd = seededRandom(42);
  const javaBlock = '\t7f3c5d12 Lcom/example/Foo;::bar (/tmp/perf-4242.map)\n\t7f3c5c00 Lcom/example/Main;::main (/tmp/perf-4242.map)\n\t7f3c5b00 Interpreter (/tmp/perf-4242.map)\n';
  const kernelBlock = '\tffffffff8104f45a native_write_msr_safe+0x1a ([kernel.kallsyms])\n\tffffffff8102f8bc intel_pmu_enable_all+0x2c ([kernel.kallsyms])\n\t  7f00112233 __libc_start_main+0xf3 (/usr/lib/libc.so.6)\n';
  const blocks = [recursive(['3', '3', '2']), recursive(['3', '2', '3']), recursive(['2', '3', '3']), kernelBlock, javaBlock, '\t  401000 main+0x1 (/a)\n'];
  const heads = ['app 4242/4243 [001] ', 'app 4242/4244 ', 'Web Content 77/78 [003] ', 'java 4242/4250 [000] ', 'javac 91 ', 'app 4242/4243 [002] '];
  const tails = [':     250000 cpu-clock: ', ': task-clock:', ':  1 cycles:ppp: ', ': 0 cpu-clock: '];
  let t = 184694.229089;
  let out = '';
  for (let i = 0; i < 600; i++) {
    t += Math.floor(rnd() * 5000) / 1e6;
    const head = heads[Math.floor(rnd() * heads.length)];
    const tail = tails[Math.floor(rnd() * tails.length)];
    out += `${head}${(i % 7 === 3 ? t.toFixed(9) : t.toFixed(6))}${tail}\n`;
    out += blocks[Math.floor(rnd() * blocks.length)];
    const odd = rnd();
    if (odd < 0.03) out += '# a comment inside a record\n';
    else if (odd < 0.06) out += 'not a perf line\n';
    else if (odd < 0.1) out += `app 4242/4243 [001] ${t.toFixed(6)}: 250000 cpu-clock: \n${blocks[0]}`;
    if (odd > 0.95) out += blocks[1];
    out += '\n';
  }
  for (const f of ['perf-java-stacks-01.txt', 'perf-iperf-stacks-pidtid-01.txt', 'perf-cycles-instructions-01.txt', 'perf-vertx-stacks-01.txt']) {
    out += readFileSync(join(FIXTURES, 'perf/flamegraph-tests', f), 'utf8').replace(/\n*$/, '\n\n');
  }
  return out;
}

/** The text's records (up to each blank line), each read by a reader of its own, summed. */
function eachRecordAlone(text: string, blank: string, periodEvents: Set<string>): Map<string, number> {
  const total = new Map<string, number>();
  for (const rec of text.split(blank)) if (/\S/.test(rec)) sums(parsePerfScript(new TextEncoder().encode(rec + blank)), total, periodEvents);
  return total;
}

/** The text read in pieces of random sizes through one reused buffer, as the file reader reads. */
function inPieces(bytes: Uint8Array, seed: number): Profile {
  const rnd = seededRandom(seed);
  const s = new PerfScriptStream();
  const buf = Buffer.alloc(1 << 16);
  for (let off = 0; off < bytes.length; ) {
    const n = Math.min(bytes.length - off, 1 + Math.floor(rnd() * (rnd() < 0.5 ? 200 : 60000)));
    buf.set(bytes.subarray(off, off + n));
    s.push(buf.subarray(0, n));
    buf.fill(0);
    off += n;
  }
  return s.finish();
}

describe('perf script records read from their bytes', () => {
  const text = corpus();
  for (const [name, variant, blank] of [
    ['LF', text, '\n\n'],
    ['CRLF', text.replaceAll('\n', '\r\n'), '\r\n\r\n'],
  ] as const) {
    it(`fold as each record read alone, whole and in pieces (${name})`, () => {
      const bytes = new TextEncoder().encode(variant);
      const whole = parsePerfScript(bytes);
      const expected = eachRecordAlone(variant, blank, new Set(whole.sampleTypes.map((t) => t.type).filter((t) => !t.endsWith('samples'))));
      expect(whole.sampleCount).toBeGreaterThan(100);
      expect(differences(sums(whole), expected)).toEqual([]);
      for (let seed = 1; seed <= 12; seed++) expect(differences(sums(inPieces(bytes, seed)), expected), `pieces ${seed}`).toEqual([]);
      // The duration runs from the first record's time to the last's, read as Number() reads them.
      const times = [...variant.matchAll(/^\S.*? (\d+\.\d+):/gm)].map((m) => Number(m[1]));
      expect(whole.durationNanos).toBe(Math.round((Math.max(...times) - Math.min(...times)) * 1e9));
      // Unreadable lines are counted and named by their line numbers, as line by line.
      const lines = variant.split(/\r?\n/);
      const bad = lines.flatMap((l, i) => (l === 'not a perf line' ? [i + 1] : []));
      expect(bad.length).toBeGreaterThan(5);
      expect(whole.comments.join('\n')).toMatch(`lines not in perf script form skipped (lines ${bad.slice(0, 5).join(', ')}, ...)`);
      expect(inPieces(bytes, 99).comments).toEqual(whole.comments);
    });
  }
});

describe('scanRecordLineBytes', () => {
  it('reads the cpu and time of record lines as the text parsers do, the time exactly as Number()', () => {
    const rnd = seededRandom(7);
    const out: RecordLineScan = { headEnd: 0, colon: 0, cpu: 0, time: 0 };
    let read = 0;
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + Math.floor(rnd() * 8);
      const decimals = Math.floor(rnd() * 10);
      const intPart = String(Math.floor(rnd() * 10 ** digits));
      const time = decimals === 0 ? intPart : `${intPart}.${String(Math.floor(rnd() * 10 ** decimals)).padStart(decimals, '0')}`;
      const cpu = rnd() < 0.5 ? '' : `[${String(Math.floor(rnd() * 300)).padStart(3, '0')}]${rnd() < 0.8 ? ' ' : ''}`;
      const line = `comm x ${1 + Math.floor(rnd() * 99999)}${rnd() < 0.5 ? '/7' : ''}${' '.repeat(1 + Math.floor(rnd() * 3))}${cpu}${time}: ${rnd() < 0.5 ? '1000 ' : ''}cpu-clock:${rnd() < 0.5 ? ' ' : ''}`;
      const bytes = Buffer.from(`##${line}##`, 'latin1');
      if (!scanRecordLineBytes(bytes, 2, bytes.length - 2, out)) continue;
      read++;
      const head = parseRecordHeader(line)!;
      const extras = parseRecordExtras(line, head.end);
      expect({ line, headEnd: out.headEnd - 2, cpu: out.cpu, time: out.time }).toEqual({ line, headEnd: head.end, cpu: extras.cpu, time: extras.time });
      expect(out.time).toBe(Number(time));
    }
    expect(read).toBeGreaterThan(19000);
  });

  it('leaves lines of other shapes to the text parsers', () => {
    const out: RecordLineScan = { headEnd: 0, colon: 0, cpu: 0, time: 0 };
    for (const line of ['comm 1 1.2.3: cpu-clock:', 'comm 1 [x] 1.5: cpu-clock:', 'comm 1 1234567890123456: cpu-clock:', 'comm 1 1.5 cpu-clock', 'comm 1 [001]1.5:', '1.5: cpu-clock:']) {
      const bytes = Buffer.from(line, 'latin1');
      expect(scanRecordLineBytes(bytes, 0, bytes.length, out), line).toBe(false);
    }
  });
});
