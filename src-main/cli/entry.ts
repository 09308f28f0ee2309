// The gpw command's entry (out/main/cli.js): `gpw top ID` whose table the library keeps is
// answered from the library alone (cli/stored-top.ts); every other command loads the whole CLI
// (cli/gpw.ts) and the engine, which this file does not import until then.

import { storedTop } from './stored-top.js';
import { runToExit } from './output.js';
import { topOutput } from './top-command.js';

const argv = process.argv.slice(2);
const stored = argv[0] === 'top' ? storedTop(argv.slice(1)) : undefined;
if (stored) {
  runToExit(async () => {
    process.stdout.write(topOutput(stored.table, stored.json));
    return 0;
  });
} else {
  const { runGpw } = await import('./gpw.js');
  runGpw(argv, import.meta.url);
}
