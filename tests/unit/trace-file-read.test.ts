// A trace file parsed as gpw trace FILE reads it, a batch at a time from the open file
// (services/trace-files.ts fileTraceBytes), gives the very model that parsing its bytes in memory
// gives, for an intact trace of each format version and for truncated and bit-flipped copies
// (the same warnings, and the same errors with the same byte offsets); the file is never read whole.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain JS helper
import { TRACE_TOOLCHAINS, ensureTrace } from '../go/trace-gen.mjs';
import { tempDir } from '../helpers/paths.js';
import { damagedCopies } from '../helpers/damaged-traces.js';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { fileTraceBytes } from '../../src-main/services/trace-files.js';
import type { GoTrace } from '../../src-main/model/trace.js';

const tmp = tempDir('gpw-trace-read-');
const traces = new Map<string, string>();
const READABLE: string[] = TRACE_TOOLCHAINS.filter((t: { format: string }) => t.format !== '1.21').map((t: { toolchain: string }) => t.toolchain);

beforeAll(async () => {
  for (const toolchain of READABLE) traces.set(toolchain, (await ensureTrace({ toolchain })).path);
}, 300_000);
afterAll(() => tmp.cleanup());

/** The model (or the error's message) from the file at `path`, read as gpw trace FILE reads it; and the most bytes one read asked for. */
function parseFile(path: string, size: number): { outcome: GoTrace | string; largestRead: number } {
  const fd = openSync(path, 'r');
  let largestRead = 0;
  try {
    const source = fileTraceBytes(fd, size);
    const counted = {
      length: source.length,
      reader: () => {
        const read = source.reader();
        return (start: number, end: number) => {
          largestRead = Math.max(largestRead, end - start);
          return read(start, end);
        };
      },
    };
    return { outcome: parseGoTrace(counted), largestRead };
  } catch (err) {
    return { outcome: (err as Error).message, largestRead };
  } finally {
    closeSync(fd);
  }
}

/** The model as one value to compare quickly: each typed array as its type and its bytes in base64 (a deep compare of millions of elements is slow). */
function comparable(outcome: GoTrace | string): unknown {
  if (typeof outcome === 'string') return outcome;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) return [v.constructor.name, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')];
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(outcome);
}

function parseMemory(bytes: Uint8Array): GoTrace | string {
  try {
    return parseGoTrace(bytes);
  } catch (err) {
    return (err as Error).message;
  }
}

test.each(READABLE)('a trace written by %s: read from its file a batch at a time, the same model as from memory', (toolchain) => {
  const path = traces.get(toolchain)!;
  const bytes = new Uint8Array(readFileSync(path));
  const { outcome, largestRead } = parseFile(path, bytes.length);
  expect(typeof outcome).toBe('object');
  expect(comparable(outcome)).toEqual(comparable(parseMemory(bytes)));
  // A batch holds at most 64 KiB: no read asks for more (the file is never read whole).
  expect(largestRead).toBeLessThanOrEqual(64 << 10);
}, 60_000);

test('truncated and bit-flipped trace files: the same warnings and errors (byte offsets included) as from memory', () => {
  const original = new Uint8Array(readFileSync(traces.get('local')!));
  const inputs: Uint8Array[] = [original.subarray(0, 10), original.subarray(0, 200), ...damagedCopies(original, 4242, 8, 12)];
  const file = join(tmp.dir, 'damaged.trace');
  let errors = 0;
  for (const input of inputs) {
    writeFileSync(file, input);
    const fromMemory = parseMemory(input);
    if (typeof fromMemory === 'string') errors++;
    expect(comparable(parseFile(file, input.length).outcome)).toEqual(comparable(fromMemory));
  }
  expect(errors).toBeGreaterThan(0);
}, 120_000);

test('a file that shrinks while it is read: a message saying so, not garbage', () => {
  const original = readFileSync(traces.get('local')!);
  const file = join(tmp.dir, 'shrunk.trace');
  writeFileSync(file, original.subarray(0, original.length >> 1));
  // The size checked before the read is the whole trace's: the file ends before it.
  const { outcome } = parseFile(file, original.length);
  expect(outcome).toMatch(/the file ends at byte \d+, not \d+: it changed while it was read/);
  // And the reader never hands out bytes it did not read.
  const fd = openSync(file, 'r');
  try {
    const read = fileTraceBytes(fd, original.length).reader();
    const head = read(0, 16);
    const direct = Buffer.alloc(16);
    readSync(fd, direct, 0, 16, 0);
    expect(Buffer.from(head)).toEqual(direct);
  } finally {
    closeSync(fd);
  }
});
