// gpw --version (also gpw version, gpw -V): the app's version from its package.json and the
// Node.js running it, as a bug report wants them; it opens no library (none is created).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw } from '../helpers/run';

const tmp = tempDir('gpw-cli-version-');
afterAll(() => tmp.cleanup());

describe('gpw --version', () => {
  it('prints gpw’s version and the Node.js running it, and opens no library', async () => {
    const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    const library = join(tmp.dir, 'lib.sqlite');
    for (const spelling of ['--version', 'version', '-V']) {
      const r = await gpw(library, spelling);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`gpw ${version} (Node.js ${process.version}, ${process.platform}/${process.arch})\n`);
      expect(r.stderr).toBe('');
    }
    expect(existsSync(library)).toBe(false);
    // Listed in the usage.
    const help = await gpw(library, '--help');
    expect(help.stdout).toContain('gpw --version');
  });
});
