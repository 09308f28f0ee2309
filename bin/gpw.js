#!/usr/bin/env node
// The gpw command's launcher: runs the built CLI (npm run build makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('gpw: not built yet; run `npm run build` in the gpw folder first\n');
  process.exit(1);
}
await import(cli);
