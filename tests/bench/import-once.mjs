// One cold run for import-bench.mjs: engine up, then import FILE and build its first flame
// graph, sampling the process RSS to find the peak the work adds. Prints one JSON line.
import { fileURLToPath } from 'node:url';

const [file, library] = process.argv.slice(2);
const root = fileURLToPath(new URL('../..', import.meta.url));
const { Engine } = await import(`${root}/out/main/engine.js`);
const demoDir = `${root}/resources/demo/`;

const warm = process.env.BENCH_MODE !== 'cold';
const engine = new Engine({ libraryPath: library, workerPath: `${root}/out/main/profile-worker.js`, demoDir, warmUp: warm });
// "warm": as the app runs it (worker started with the engine, warming its code paths while
// idle), after its first start has loaded the demo library and opened its profiles, and a
// moment later. "cold": a fresh engine whose worker thread starts with this import.
if (warm) {
  const demo = await engine.loadDemo();
  for (const a of demo.artifacts) await engine.flameGraph({ id: a.id });
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
globalThis.gc?.();
const base = process.memoryUsage.rss();
let peak = base;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);

const t0 = performance.now();
const { artifacts } = await engine.importPaths([file]);
const t1 = performance.now();
const graph = await engine.flameGraph({ id: artifacts[0].id });
const t2 = performance.now();
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage.rss());

const s = artifacts[0].summary;
process.stdout.write(JSON.stringify({
  importMs: t1 - t0,
  flameMs: t2 - t1,
  peakDeltaMiB: (peak - base) / 2 ** 20,
  peakRssMiB: peak / 2 ** 20,
  sampleRecords: s.sampleCount,
  allocObjects: s.totals['alloc_objects/count'],
  flameNodes: graph.total.length,
}) + '\n');
await engine.close();
