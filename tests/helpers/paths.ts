// Paths the tests share: the repository, the built app, the Go-made profiles, temp folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const repoPath = (rel: string): string => join(REPO, rel);

/** Profiles written by tests/go/profgen during this test run (global setup). */
export const GO_PROFILES = repoPath('tests/.tmp/go-profiles');
export const goProfile = (kind: 'cpu' | 'heap' | 'allocs' | 'block' | 'mutex' | 'goroutine'): string => join(GO_PROFILES, `${kind}.pb.gz`);

/** Real inputs other tools made (perf script, folded stacks, pprof files), kept in the repository: tests/fixtures/README.md. */
export const FIXTURES = repoPath('tests/fixtures');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'gpw-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
