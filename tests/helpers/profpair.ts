// Pairs of real Go profiles of one kind (tests/go/profpair), for diff, merge and filter tests:
// cpu-a/cpu-b and heap-a/heap-b, made once and kept in tests/.tmp/profpair (keyed by a hash
// of the Go source and `go version`, as the other Go-made fixtures).
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs module shared with the fixture scripts
import { ensureGoProfiles } from '../go/go-gen.mjs';
import { afterAll, beforeAll } from 'vitest';
import { repoPath, tempDir } from './paths';
import { gpwJson } from './run';

export const PROFPAIR_DIR = repoPath('tests/.tmp/profpair');
export const PAIR_FILES = ['cpu-a', 'cpu-b', 'heap-a', 'heap-b'] as const;
export type PairFile = (typeof PAIR_FILES)[number];
export const pairProfile = (name: PairFile): string => join(PROFPAIR_DIR, `${name}.pb.gz`);

export async function ensureProfilePairs(): Promise<void> {
  await ensureGoProfiles({ name: 'profpair', outDir: PROFPAIR_DIR, files: PAIR_FILES.map((f) => `${f}.pb.gz`) });
}

export interface PairsLibrary {
  /** The library file gpw uses in this test file. */
  path: string;
  /** A temporary folder for the test file's outputs. */
  dir: string;
  /** Library ids of the imported files, by file name without ".pb.gz". */
  ids: Record<string, string>;
}

/**
 * For one test file: makes the profile pairs, a temporary library (with `imports` imported),
 * and removes it afterwards. The returned object is filled in before the first test runs.
 */
export function usePairsLibrary(imports: () => string[] = () => []): PairsLibrary {
  const lib: PairsLibrary = { path: '', dir: '', ids: {} };
  let tmp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    await ensureProfilePairs();
    tmp = tempDir();
    lib.dir = tmp.dir;
    lib.path = join(tmp.dir, 'lib.sqlite');
    const files = imports();
    if (files.length === 0) return;
    const imported = await gpwJson<{ artifacts: { id: string; file: string }[] }>(lib.path, 'import', ...files);
    lib.ids = Object.fromEntries(imported.artifacts.map((a) => [a.file.replace('.pb.gz', ''), a.id]));
  }, 120_000);
  afterAll(() => tmp?.cleanup());
  return lib;
}
