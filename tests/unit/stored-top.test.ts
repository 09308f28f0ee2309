// gpw top ID answered from the library alone (cli/stored-top.ts): the table the import kept, read
// back under the engine's own key, so it is the engine's answer; any other request (a file, a
// merge, a table not kept, a missing artifact or library, bad arguments) is left to the whole CLI.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine';
import { storedTop } from '../../src-main/cli/stored-top';
import { formatTopText } from '../../src-main/analysis/top-format';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpw, gpwJson, run } from '../helpers/run';

const tmp = tempDir('gpw-stored-top-');
const library = join(tmp.dir, 'lib.sqlite');
const file = goProfile('heap');
let id: string;

beforeAll(async () => {
  const imported = await gpwJson<{ artifacts: { id: string }[] }>(library, 'import', file);
  id = imported.artifacts[0].id;
}, 120_000);
afterAll(() => tmp.cleanup());

/** The engine's answer, computed by the worker if it must be. */
async function engineTop(args: Parameters<Engine['topOfFile']>[1]) {
  const engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
  try {
    return await engine.topOfFile(id, args);
  } finally {
    await engine.close();
  }
}

describe('gpw top ID from the library alone', () => {
  it('reads the default table the import kept: the engine’s table, printed as gpw top prints it', async () => {
    const stored = storedTop([id, '--library', library]);
    expect(stored).toBeDefined();
    expect(stored!.json).toBe(false);
    const theirs = await engineTop({ nodecount: 20, sort: 'flat' });
    expect(stored!.table).toEqual(theirs);
    // The default sample type named is the same request.
    expect(storedTop([id, '--library', library, '--sample-index', theirs.sampleType])?.table).toEqual(theirs);
    expect(storedTop([id, '--library', library, '--json'])?.json).toBe(true);
    const cli = await gpw(library, 'top', id);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(formatTopText(theirs));
  }, 60_000);

  it('a table the library does not keep is left to the engine, which keeps it for the next process', async () => {
    const args = [id, '--library', library, '--nodecount', '7', '--cum'];
    expect(storedTop(args)).toBeUndefined();
    const cli = await gpw(library, 'top', id, '--nodecount', '7', '--cum');
    expect(cli.code, cli.stderr).toBe(0);
    const stored = storedTop(args);
    expect(stored?.table).toEqual(await engineTop({ nodecount: 7, sort: 'cum' }));
    expect(formatTopText(stored!.table)).toBe(cli.stdout);
  }, 60_000);

  it('a sample type named as pprof names it (-sample_index, a 0-based index) or as type/unit is the same kept table', async () => {
    // Kept by the engine for a process before (the import keeps the default type's table alone).
    const byName = await engineTop({ nodecount: 20, sort: 'flat', sampleType: 'alloc_objects' });
    expect(byName.sampleType).toBe('alloc_objects');
    for (const spelled of [['--sample-index', 'alloc_objects'], ['--sample_index=alloc_objects'], ['--sample_index', '0'], ['--sample-index=alloc_objects/count']]) {
      expect(storedTop([id, '--library', library, ...spelled])?.table, spelled.join(' ')).toEqual(byName);
    }
    // As go tool pprof prints it, for the library profile and for the file, by index and by name.
    const table = (text: string): string => text.slice(text.indexOf('Showing nodes'));
    for (const [target, si] of [[id, '0'], [id, '2'], [file, '2'], [file, 'alloc_space']]) {
      const [ours, theirs] = await Promise.all([gpw(library, 'top', target, `--sample_index=${si}`), run('go', ['tool', 'pprof', '-top', '-nodecount=20', `-sample_index=${si}`, file])]);
      expect(ours.code, ours.stderr).toBe(0);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(table(ours.stdout), `${target} ${si}`).toBe(table(theirs.stdout));
      expect(ours.stdout).toContain('Showing nodes');
    }
  }, 120_000);

  it('a sample type the profile lacks is refused from the summary the import kept, without decoding the profile', async () => {
    expect(storedTop([id, '--library', library, '--sample-index', 'space'])).toBeUndefined();
    // No profile worker at all: a refusal that needed the profile decoded would be a worker error instead.
    const engine = new Engine({ libraryPath: library, workerPath: repoPath('tests/.tmp/no-such-worker.js') });
    try {
      for (const sampleType of ['space', '4', 'alloc_space/count']) {
        await expect(engine.topOfFile(id, { nodecount: 20, sort: 'flat', sampleType })).rejects.toThrow(
          `sample type "${sampleType}" is not in this profile (it has alloc_objects, alloc_space, inuse_objects, inuse_space)`,
        );
      }
    } finally {
      await engine.close();
    }
    const cli = await gpw(library, 'top', id, '--sample_index=9');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe('gpw: sample type "9" is not in this profile (it has alloc_objects, alloc_space, inuse_objects, inuse_space)\n');
  }, 60_000);

  it('files, merges, unknown ids, a missing library and bad arguments go to the whole CLI', () => {
    for (const args of [
      [file, '--library', library],
      [id, '--library', library, '--merge', id],
      [id, '--library', library, '--diff-base', id],
      ['nosuchid', '--library', library],
      ['../x', '--library', library],
      [id, '--library', join(tmp.dir, 'missing.sqlite')],
      [id, '--library', library, '--help'],
      [id, '--library', library, '--granularity', 'bogus'],
      [id, '--library', library, '--nodecount', 'x'],
      [id, '--library', library, '--no-such-flag'],
      [id, id, '--library', library],
      ['--library', library],
    ]) {
      expect(storedTop(args), args.join(' ')).toBeUndefined();
    }
  });

  it('the whole CLI words what the stored path leaves to it', async () => {
    const missing = await gpw(library, 'top', 'nosuchid');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no artifact nosuchid/);
    const bad = await gpw(library, 'top', id, '--granularity', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--granularity must be one of/);
  }, 60_000);
});
