// A profile's drop_frames/keep_frames prune stacks as go tool pprof prunes them on load.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';
import { writeSamples } from '../helpers/pprof-bytes';

const STRINGS = ['', 'samples', 'count', 'main.main', 'main.work', 'runtime.mallocgc', 'runtime.nextFreeFast', 'runtime.memmove', 'runtime\\..*', 'runtime\\.memmove', 'main.(*T).run'];

function profileBytes(withKeep: boolean): Uint8Array {
  const { w, message } = protoWriter();
  const line = (fn: number): void => message(4, () => w.uint32(8).uint64(fn));
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  const samples: [number[], number][] = [[[1, 2, 3], 10], [[4, 2, 3], 5], [[2, 3], 3], [[1], 2], [[1, 5, 3], 7]];
  writeSamples(w, message, samples);
  // Function f (1-based) is named STRINGS[f + 2].
  message(4, () => { w.uint32(8).uint64(1); line(4); line(3); }); // nextFreeFast inlined into mallocgc
  message(4, () => { w.uint32(8).uint64(2); line(2); });
  message(4, () => { w.uint32(8).uint64(3); line(1); });
  message(4, () => { w.uint32(8).uint64(4); line(5); });
  message(4, () => { w.uint32(8).uint64(5); line(3); line(8); }); // mallocgc inlined into main.(*T).run
  for (let f = 1; f <= 8; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(f + 2));
  for (const s of STRINGS) w.uint32(50).string(s);
  w.uint32(56).int64(8); // drop_frames: runtime\..*
  if (withKeep) w.uint32(64).int64(9); // keep_frames: runtime\.memmove
  return gzipSync(w.finish());
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => (tmp = tempDir()));
afterAll(() => tmp.cleanup());

it.each([false, true])('matches go tool pprof -top (keep_frames: %s)', async (withKeep) => {
  const file = `${tmp.dir}/pruned-${withKeep}.pb.gz`;
  writeFileSync(file, profileBytes(withKeep));
  const [pprof, ours] = await Promise.all([
    pprofTop(file, 'samples', 'count', 0, ['-symbolize=none']),
    gpwJson<{ total: number; rows: { name: string; flat: number; cum: number; inline: string }[] }>(`${tmp.dir}/lib.sqlite`, 'top', file, '--nodecount', '0'),
  ]);
  expect(ours.total).toBe(pprof.total);
  expect(ours.rows.map((r) => [r.name, r.flat, r.cum, r.inline])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum, r.inline]));
  // A stack with no user frame keeps everything: its leaf, nextFreeFast, keeps its flat.
  expect(ours.rows.find((r) => r.name === 'runtime.nextFreeFast')?.flat).toBe(2);
  expect(ours.rows.find((r) => r.name === 'main.work')?.flat).toBe(withKeep ? 13 : 18);
});
