// Seeds of the fuzzing suite: real inputs per format, the files mutations start from. One entry
// per format gpw reads (import/readers.ts); a reader registered without an entry here fails the
// fuzz test, so adding a format is adding its line. Seeds are made by the tests' Go programs
// (tests/go/) or taken from ../shared/fixtures, and copied to tests/.tmp/fuzz-seeds/<format>/.
//
// Node built-ins only. Not a test file.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../go/go-gen.mjs';
import { ensureTrace } from '../go/trace-gen.mjs';
import { withFileLock } from '../go/file-lock.mjs';
import { buildGoService, buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { benchpairRoot, ensureBenchPairs } from '../go/benchpair-gen.mjs';
import { ensureHotspots } from '../go/hotspots-gen.mjs';
import { ensureCorpus } from '../go/gcload-corpus.mjs';
import { execFileSync } from 'node:child_process';

export const SEED_ROOT = path.join(repoRoot, 'tests', '.tmp', 'fuzz-seeds');
// The fixtures copied into the repository (tests/fixtures: FlameGraph's and speedscope's files, with their licences).
const SHARED = path.join(repoRoot, 'tests', 'fixtures');
/** Seeds larger than this are left out: each mutation copies its seed. */
const MAX_SEED_BYTES = 256 * 1024;

/** Files in `dir` whose names match, up to MAX_SEED_BYTES each. */
function filesIn(dir, match = /./, maxBytes = MAX_SEED_BYTES) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => match.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile() && statSync(f).size <= maxBytes)
    .sort();
}

/** The first `bytes` of a text file, cut after a whole line. */
function headOf(file, bytes) {
  const text = readFileSync(file, 'latin1').slice(0, bytes);
  return Buffer.from(text.slice(0, text.lastIndexOf('\n') + 1), 'latin1');
}

/**
 * Writes seeds made by `make` once into tests/.tmp/fuzz-seeds/<format>/ and lists them. A new
 * `version` (a change in what `make` makes) makes them again.
 */
async function madeSeeds(format, make, maxBytes = MAX_SEED_BYTES, version = '') {
  const dir = path.join(SEED_ROOT, format);
  const stamp = path.join(dir, version ? `.made-${version}` : '.made');
  if (!existsSync(stamp)) {
    mkdirSync(dir, { recursive: true });
    await withFileLock(path.join(SEED_ROOT, `${format}.lock`), async () => {
      if (existsSync(stamp)) return;
      for (const [name, bytes] of Object.entries(await make())) writeFileSync(path.join(dir, name), bytes);
      writeFileSync(stamp, new Date().toISOString());
    });
  }
  return filesIn(dir, /^[^.]/, maxBytes);
}

/** Expvar and Prometheus text from a real Go service (tests/go/pprofserver), fetched once. */
async function serviceSeeds() {
  const server = await startPprofServer(await buildPprofServer());
  try {
    const get = async (p) => Buffer.from(await (await fetch(server.url + p)).arrayBuffer());
    return { vars: await get('/debug/vars'), metrics: await get('/metrics') };
  } finally {
    await server.stop();
  }
}
let service = null;
const fromService = () => (service ??= serviceSeeds());

/** Seed files per format (the names of formats/detect-format.ts). */
export const SEED_SOURCES = {
  pprof: async () => filesIn(path.join(repoRoot, 'tests', '.tmp', 'go-profiles'), /\.pb\.gz$/),
  // A real trace's size varies from run to run (about 200–300 KiB): it is always a seed. The
  // same program's trace at a twentieth of the work (about 30 KiB, every kind of event still
  // there) is the other: parsing is most of an input's cost, so the long run tries about twice
  // as many inputs per second, half of them still mutations of the full trace.
  gotrace: () =>
    madeSeeds(
      'gotrace',
      async () => ({
        'local.trace': readFileSync((await ensureTrace({ toolchain: 'local', name: 'fuzz-seed', scale: 1 })).path),
        'local-small.trace': readFileSync((await ensureTrace({ toolchain: 'local', name: 'fuzz-seed-small', scale: 0.05, godebug: 'traceadvanceperiod=1000000' })).path),
      }),
      2 << 20,
      'small',
    ),
  gctrace: () => madeSeeds('gctrace', async () => ({
    'gogc100.log': headOf(path.join(repoRoot, 'tests', '.tmp', 'gcload', 'validation', 'gogc100.log'), 6000),
    'gogc100-limit80.log': headOf(path.join(repoRoot, 'tests', '.tmp', 'gcload', 'validation', 'gogc100-limit80.log'), 6000),
  })),
  expvar: () => madeSeeds('expvar', async () => ({ 'vars.json': (await fromService()).vars })),
  prometheus: () => madeSeeds('prometheus', async () => ({ 'metrics.txt': (await fromService()).metrics })),
  'perf-script': async () => filesIn(path.join(SHARED, 'perf'), /\.txt$/).filter((f) => statSync(f).size <= 64 * 1024),
  folded: async () => filesIn(path.join(SHARED, 'collapsed'), /\.txt$/),
  gobench: () => madeSeeds('gobench', async () => {
    await ensureBenchPairs();
    return { 'count3-base.txt': readFileSync(path.join(benchpairRoot, 'count3', 'base.txt')), 'twopkgs7-new.txt': headOf(path.join(benchpairRoot, 'twopkgs7', 'new.txt'), 16000) };
  }),
  escapes: () => madeSeeds('escapes', async () => {
    const dir = await ensureHotspots('local');
    return { 'escapes-m.txt': readFileSync(path.join(dir, 'escapes-m.txt')), 'escapes-m2.txt': headOf(path.join(dir, 'escapes-m2.txt'), 48000), 'escapes-main.json': readFileSync(path.join(dir, 'escapes-main.json')) };
  }),
  // A real runtime/metrics dump: the snapshots tests/go/gcload-shapes wrote while it ran (the
  // corpus set the GC what-if's metrics test records too; one recording, locked and stamped).
  'runtime-metrics': () => madeSeeds('runtime-metrics', async () => {
    const { dir } = await ensureCorpus('snapshots-test');
    return { 'steady-base.metrics.jsonl': headOf(path.join(dir, 'default-p2', 'steady-base.metrics.jsonl'), 24000) };
  }),
  'goroutine-dump': () => madeSeeds('goroutine-dump', async () => {
    const bin = await buildGoService(path.join(repoRoot, 'tests', 'go', 'dumpgen'), 'dumpgen', '');
    const out = path.join(SEED_ROOT, '.dumpgen');
    mkdirSync(out, { recursive: true });
    execFileSync(bin, ['-out', out], { timeout: 30_000 });
    return { 'dump2.txt': readFileSync(path.join(out, 'dump2.txt')), 'dump1.txt': readFileSync(path.join(out, 'dump1.txt')) };
  }),
};

/** Seed bytes per format for `formats`; throws naming a format without a seed source or seeds. */
export async function loadSeeds(formats) {
  const out = {};
  for (const format of formats) {
    const source = SEED_SOURCES[format];
    if (!source) throw new Error(`the fuzzing suite has no seeds for format "${format}": add its line to SEED_SOURCES in tests/fuzz/fuzz-seeds.mjs`);
    const files = await source();
    if (files.length === 0) throw new Error(`no seed files for format "${format}" (tests/fuzz/fuzz-seeds.mjs)`);
    out[format] = files.map((f) => ({ name: path.relative(repoRoot, f), bytes: new Uint8Array(readFileSync(f)) }));
  }
  return out;
}

