// `gpw list --json` into a pipe writes the whole list: the CLI exits only once stdout has
// gone out (a library of a few hundred entries was cut at 64 KiB, an unparseable JSON).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Library, type NewArtifact } from '../../src-main/library/library';
import type { Artifact } from '../../src-main/api/types';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson, run } from '../helpers/run';

const tmp = tempDir('gpw-list-');
afterAll(() => tmp.cleanup());

it('gpw list --json through a pipe read late is whole for a library of 300 entries', async () => {
  const library = join(tmp.dir, 'lib.sqlite');
  const imported = await gpwJson<{ artifacts: Artifact[] }>(library, 'import', repoPath('resources/demo/demo-cpu.pb.gz'));
  const a = imported.artifacts[0];
  const bytes = readFileSync(repoPath('resources/demo/demo-cpu.pb.gz'));
  const lib = new Library(library);
  try {
    const items: NewArtifact[] = Array.from({ length: 299 }, (_, i) => ({
      kind: a.kind, subtype: a.subtype, bytes, sha256: a.sha256, file: `cpu-${i}.pb.gz`, source: `entry ${i}`,
      capturedAt: 1_700_000_000_000 + i, durationNs: null, goVersion: null, labels: { n: String(i) }, summary: a.summary,
    }));
    lib.addArtifacts(items, 'many');
  } finally {
    lib.close();
  }
  // A reader that starts late, as a slow consumer does: the pipe fills while gpw is finishing.
  const r = await run('sh', ['-c', '"$0" "$1" list --json | (sleep 1; cat)', process.execPath, repoPath('bin/gpw.js')], { GPW_LIBRARY: library });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.length).toBeGreaterThan(64 * 1024);
  expect((JSON.parse(r.stdout) as { artifacts: unknown[] }).artifacts).toHaveLength(300);
}, 120_000);
