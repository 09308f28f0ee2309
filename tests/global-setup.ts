// Before any test: make sure the build exists and the Go-made profiles are fresh.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath } from './helpers/paths';

export default function setup(): void {
  if (!existsSync(repoPath('out/main/cli.js'))) {
    throw new Error('the app is not built: run `npm test` (it builds first) or `npm run build`');
  }
  execFileSync(process.execPath, [repoPath('tests/go/make-fixtures.mjs')], { stdio: 'inherit' });
}
