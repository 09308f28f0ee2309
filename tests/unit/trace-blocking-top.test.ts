// The blocking profiles' top table: gpw's table of the profile it builds from a trace equals
// `go tool pprof -top` on the file `go tool trace -pprof=KIND` writes for the same trace, row by
// row (names, flat, cum), for delay and contentions; the exports read back as the same profile.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { ensureTrace, goTracePprofFile } from '../go/trace-gen.mjs';
import { pprofTop } from '../helpers/run';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { blockingExport, blockingProfileOf, blockingTop } from '../../src-main/analysis/trace/blocking-views.js';
import { decodeProfileBytes } from '../../src-main/formats/decode-profile.js';
import type { GoTrace } from '../../src-main/model/trace.js';

let trace: GoTrace;
let tracePath: string;
const files: string[] = [];
beforeAll(async () => {
  tracePath = (await ensureTrace({ toolchain: 'local' })).path;
  trace = parseGoTrace(new Uint8Array(readFileSync(tracePath)));
}, 300_000);
afterAll(() => files.forEach((f) => rmSync(f, { force: true })));

const rows = (t: { rows: { name: string; flat: number; cum: number }[] }): { name: string; flat: number; cum: number }[] =>
  t.rows.map((r) => ({ name: r.name, flat: r.flat, cum: r.cum }));

test.each(['sync', 'sched'] as const)('the %s top table equals go tool pprof -top on go tool trace -pprof=KIND', async (kind) => {
  const file: string = await goTracePprofFile(tracePath, kind);
  files.push(file);
  const profile = blockingProfileOf(trace, kind);
  for (const [index, unit] of [['delay', 'nanoseconds'], ['contentions', 'count']] as const) {
    const theirs = await pprofTop(file, index, unit, 0);
    const ours = blockingTop(profile, index, 0);
    expect(theirs.rows.length).toBeGreaterThan(0);
    expect(ours.total).toBe(theirs.total);
    // A blocking sample without a stack is in the total (checked above) and in no row, and the
    // -nodefraction cut-off is a share of the rows' flat sum: the rows near the cut are the same.
    expect(rows(ours)).toEqual(rows(theirs));
  }
}, 180_000);

test('the exports: pprof decodes to the same table, folded stacks sum to the total delay', () => {
  const profile = blockingProfileOf(trace, 'sync');
  const top = blockingTop(profile, 'delay', 0);
  const pb = blockingExport(profile, 'pprof');
  expect(pb.extension).toBe('.pb.gz');
  expect(rows(blockingTop(decodeProfileBytes(pb.bytes), 'delay', 0))).toEqual(rows(top));
  const folded = new TextDecoder().decode(blockingExport(profile, 'collapsed').bytes).trim().split('\n');
  const sum = folded.reduce((s, line) => s + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  expect(sum).toBe(top.total);
  expect(folded.every((l) => /^\S.*;?.* \d+$/.test(l))).toBe(true);
});
