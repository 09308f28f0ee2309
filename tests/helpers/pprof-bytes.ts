// Small pprof profiles written byte by byte, for checks against go tool pprof on shapes real
// programs rarely give (an inlined callee reached two ways, a diff whose caller nets to nothing).
import { gzipSync } from 'node:zlib';
import { protoWriter, type ProtoWriter } from '../../src-main/formats/pprof/proto-writer';

/**
 * A gzipped pprof profile of one sample type (samples, count): functions 1..n named `names`,
 * locations (id, address, its functions innermost first: inlined frames before their caller),
 * samples (locations leaf first, value).
 */
export function pprofBytes(names: string[], locations: [number, number, number[]][], samples: [number[], number][]): Uint8Array {
  const strings = ['', 'samples', 'count', ...names];
  const { w, message } = protoWriter();
  const line = (fn: number): void => message(4, () => w.uint32(8).uint64(fn).uint32(16).int64(10 + fn));
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  writeSamples(w, message, samples);
  for (const [id, address, fns] of locations) message(4, () => { w.uint32(8).uint64(id).uint32(24).uint64(address); fns.forEach(line); });
  for (let f = 1; f <= names.length; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(2 + f));
  for (const str of strings) w.uint32(50).string(str);
  return gzipSync(w.finish());
}

/** Samples (locations leaf first, one value each) written into a profile being written with `protoWriter`. */
export function writeSamples(w: ProtoWriter['w'], message: ProtoWriter['message'], samples: [number[], number][]): void {
  for (const [locs, v] of samples) {
    message(2, () => {
      w.uint32(10).fork();
      for (const l of locs) w.uint64(l);
      w.ldelim();
      w.uint32(18).fork().int64(v).ldelim();
    });
  }
}

/**
 * A diff whose caller nets to nothing: main.run calls main.alloc in the new profile (+10) and, with
 * path/filepath.Join inlined into it, main.leaf in the base (−10). pprof lists neither main.run nor
 * main.main (flat and cum 0) but, cutting no node (the flat sum is 0, so is the cutoff), labels from
 * its whole graph, where the edge main.run → path/filepath.Join (inlined) still is: "(inline)".
 */
export function diffSideBytes(side: 'new' | 'base'): Uint8Array {
  return pprofBytes(
    ['main.main', 'main.run', 'path/filepath.Join', 'main.alloc', 'main.leaf'],
    [[1, 0x1000, [3, 2]], [2, 0x2000, [1]], [3, 0x3000, [4]], [4, 0x4000, [2]], [5, 0x5000, [5]]],
    // main.main → main.run → main.alloc; main.main → main.run (path/filepath.Join inlined) → main.leaf
    side === 'new' ? [[[3, 4, 2], 10]] : [[[5, 1, 2], 10]],
  );
}
