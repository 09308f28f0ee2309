// One measurement for trace-bench.mjs, in its own process: an engine whose trace worker is
// already running (warmed on a small trace) summarises the big trace; prints {ms}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { Engine } = await import(join(ROOT, 'out/main/engine.js'));
const [small, big] = process.argv.slice(2);
const engine = new Engine({ libraryPath: ':memory:', workerPath: join(ROOT, 'out/main/profile-worker.js') });
await engine.traces.summaryOfBytes('small', readFileSync(small));
const bytes = readFileSync(big);
const t0 = performance.now();
await engine.traces.summaryOfBytes('big', bytes);
const ms = performance.now() - t0;
await engine.close();
process.stdout.write(JSON.stringify({ ms }));
