// The GC what-if's validation corpus: tests/go/gcload-shapes run under many settings, per shape,
// GOMAXPROCS and Go release. Per group (toolchain × GOMAXPROCS) and shape, a GOGC=100 baseline
// run without the execution tracer, as the targets run (its gctrace is the gctrace input), a traced
// twin of it ("base-traced": its execution trace is the trace input, its gctrace says what tracing
// changed: a traced run marks more), and the target runs gpw predicts from them.
// The memory-limit targets are set from the baseline: "off-limit" is GOGC=off with a limit of
// 1.5 × its peak live heap + its non-heap memory, "hardlimit" GOGC=100 with 1.1 × the peak live
// heap + non-heap (a limit that binds hard).
//
//   tests/.tmp/gc-corpus/<set>/<group>/<shape>-<target>.log   gctrace (stderr)
//                                      <shape>-<target>.json  settings, runtime/metrics, CPU use
//                                      <shape>-base-traced.trace  execution trace of the traced twin
//                                      <shape>-base*.metrics.jsonl  runtime/metrics snapshots (sets with snapshots: true)
//
// Runs go one after another (in parallel they would take each other's CPU). Each records the CPU
// it got (process CPU ÷ GOMAXPROCS × wall); a run under 90 % is marked noisy: its GC CPU share
// is a share of a stretched wall time. A group is skipped when its stamp matches the source, the
// toolchain and the plan. Node built-ins only; not a test file.
//
//   node tests/go/gcload-corpus.mjs [test|full]    (the full set takes 5–15 minutes)
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withFileLock } from './file-lock.mjs';
import { buildGoProgram, run, sourceHash } from './gcload-gen.mjs';
import { repoRoot } from './go-gen.mjs';

const moduleDir = path.join(repoRoot, 'tests', 'go', 'gcload-shapes');
export const corpusRoot = path.join(repoRoot, 'tests', '.tmp', 'gc-corpus');

export const SHAPES = ['steady', 'ramp', 'sawtooth', 'leak', 'goroutines', 'bursts', 'cache', 'trees'];
/** Shapes kept out of the model's development: reported apart, as programs it has not seen. */
export const HELD_OUT = ['goroutines', 'bursts', 'cache', 'trees'];
/**
 * Held-out shapes written after the model's development (stop 22): programs of another kind than the
 * first six (a map cache of mixed sizes, pointer-dense trees). A full corpus recorded before them lacks
 * them; the `fresh` set records them alone in the full corpus's groups (docs/gc-validation.md reads
 * it for shapes the full set lacks).
 */
export const FRESH = ['cache', 'trees'];

const ALL_TARGETS = ['gogc25', 'gogc50', 'gogc200', 'gogc400', 'gogc800', 'off-limit', 'hardlimit'];
const FEW_TARGETS = ['gogc50', 'gogc200', 'hardlimit'];

const FULL_GROUPS = [
  { toolchain: null, procs: 2, shapes: SHAPES, targets: ALL_TARGETS },
  { toolchain: null, procs: 1, shapes: SHAPES, targets: FEW_TARGETS },
  { toolchain: null, procs: 4, shapes: SHAPES, targets: FEW_TARGETS },
  { toolchain: 'go1.22.12', procs: 2, shapes: SHAPES, targets: ['gogc50', 'gogc200', 'off-limit'] },
  { toolchain: 'go1.23.12', procs: 2, shapes: SHAPES, targets: FEW_TARGETS },
  { toolchain: 'go1.24.13', procs: 2, shapes: SHAPES, targets: FEW_TARGETS },
  { toolchain: 'go1.25.7', procs: 2, shapes: SHAPES, targets: FEW_TARGETS },
];

/** The full corpus (docs/gc-validation.md) and the small one the tests read (cached). */
export const PLANS = {
  full: FULL_GROUPS,
  // The FRESH shapes alone, in the full corpus's groups (for a full set recorded before them).
  fresh: FULL_GROUPS.map((g) => ({ ...g, shapes: FRESH })),
  test: [{ toolchain: null, procs: 2, shapes: ['steady', 'sawtooth'], targets: ['gogc50', 'gogc200', 'hardlimit'], args: [] }],
  // The FRESH shapes' two baselines, for the tests' self-replay of programs of another kind (gc-self-replay.test.ts).
  'test-fresh': [{ toolchain: null, procs: 2, shapes: FRESH, targets: [] }],
  // runtime/metrics snapshots as a what-if input (docs/gc-validation.md): the development shapes'
  // baselines (both twins) write snapshots (snapshots.go, GCLOAD_SNAPSHOTS); the targets do not.
  snapshots: [{ toolchain: null, procs: 2, shapes: ['steady', 'ramp', 'sawtooth', 'leak'], targets: ['gogc50', 'gogc200', 'hardlimit', 'off-limit'], snapshots: true }],
  // The tests' recording (tests/unit/gc-metrics-input.test.ts): one shape's two baselines.
  'snapshots-test': [{ toolchain: null, procs: 2, shapes: ['steady'], targets: [], snapshots: true }],
  // Run-to-run spread (docs/gc-validation.md): every shape's untraced baseline and three targets,
  // each run REPEATS times at the same settings (the limit from the first baseline), the repeats
  // taken in turn (base, targets; base, targets; …) so a change of load falls on all of them.
  repeat: [{ toolchain: null, procs: 2, shapes: SHAPES, targets: FEW_TARGETS, repeats: 7 }],
  // Limits below the peak live heap, where the runtime's GC CPU limiter engages (docs/gc-validation.md): every shape, 1 and 2 Ps.
  limiter: [
    { toolchain: null, procs: 2, shapes: SHAPES, targets: ['underlimit'] },
    { toolchain: null, procs: 1, shapes: SHAPES, targets: ['underlimit'] },
  ],
};

/** What the baselines are (part of the stamp): an untraced run and a traced twin, both GOGC=100. */
const BASELINES = 'untraced base + traced twin';

const MiB = 2 ** 20;
const groupName = (g) => `${g.toolchain ?? 'default'}-p${g.procs}`;

/** Settings of a target, from the baseline's peak live heap and non-heap memory (bytes). */
function targetEnv(target, peakLive, nonHeap) {
  const m = /^gogc(\d+)$/.exec(target);
  if (m) return { GOGC: m[1] };
  const mib = (x) => `${Math.max(Math.round(x / MiB), 1)}MiB`;
  if (target === 'off-limit') return { GOGC: 'off', GOMEMLIMIT: mib(1.5 * peakLive + nonHeap) };
  if (target === 'hardlimit') return { GOGC: '100', GOMEMLIMIT: mib(1.1 * peakLive + nonHeap) };
  // Below what the program needs: the GC runs back to back and its CPU limiter engages (docs/gc-validation.md, the limiter).
  if (target === 'underlimit') return { GOGC: '100', GOMEMLIMIT: mib(0.8 * peakLive + nonHeap) };
  throw new Error(`unknown corpus target ${target}`);
}

/** Peak marked heap of a gctrace log (its largest "->N MB" live figure), bytes. */
function peakLiveOf(text) {
  let peak = 0;
  for (const m of text.matchAll(/\d+->\d+->(\d+) MB/g)) peak = Math.max(peak, Number(m[1]) * MiB);
  return peak;
}

const nonHeapOf = (m) =>
  m['/memory/classes/total:bytes'] - m['/memory/classes/heap/released:bytes'] - m['/memory/classes/heap/free:bytes'] - m['/memory/classes/heap/objects:bytes'];

/**
 * Makes (or finds cached) the corpus set `set` ('test' or 'full').
 * @returns {Promise<{dir: string, runs: number, made: number, ms: number}>}
 */
export async function ensureCorpus(set = 'test', log = () => {}) {
  const t0 = Date.now();
  const plan = PLANS[set];
  if (!plan) throw new Error(`no corpus set ${set}`);
  let made = 0;
  let runs = 0;
  for (const g of plan) {
    const r = await ensureGroup(set, g, log);
    made += r.made;
    runs += r.runs;
  }
  return { dir: path.join(corpusRoot, set), runs, made, ms: Date.now() - t0 };
}

async function ensureGroup(set, g, log) {
  const goCmd = process.env.GO || 'go';
  const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' };
  if (g.toolchain) env.GOTOOLCHAIN = g.toolchain;
  const version = (await run(goCmd, ['version'], { env, timeout: 600_000 })).stdout.trim();
  const dir = path.join(corpusRoot, set, groupName(g));
  const stampPath = path.join(dir, 'stamp');
  // snapshots.go is out of sourceHash (opt-in): the groups that turn it on stamp it themselves.
  const snapshotsSource = g.snapshots ? await fs.readFile(path.join(moduleDir, 'snapshots.go'), 'utf8') : undefined;
  const hash = await sourceHash({ version, g, baselines: BASELINES, ...(snapshotsSource ? { snapshotsSource } : {}) }, moduleDir);
  const runs = g.repeats ? g.shapes.length * (g.targets.length + 1) * g.repeats : g.shapes.length * (g.targets.length + 2);
  const fresh = async () => (await fs.readFile(stampPath, 'utf8').catch(() => null)) === hash;
  if (await fresh()) return { runs, made: 0 };
  await fs.mkdir(dir, { recursive: true });
  return withFileLock(`${dir}.lock`, async () => {
    if (await fresh()) return { runs, made: 0 };
    await fs.rm(stampPath, { force: true });
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const bin = path.join(dir, `.gcload-shapes-${tag}`);
    try {
      log(`building tests/go/gcload-shapes with ${version}`);
      await buildGoProgram(goCmd, moduleDir, bin, env, version);
      for (const shape of g.shapes) {
        // `repeat`: the repeat's number (1…), in the run's name (<shape>-<target>-r<k>) and meta.
        const runOne = async (target, runEnv, trace, repeat) => {
          const name = repeat ? `${shape}-${target}-r${repeat}` : `${shape}-${target}`;
          log(`${groupName(g)} ${shape} ${target}${repeat ? ` (repeat ${repeat})` : ''} ${JSON.stringify(runEnv)}`);
          const args = ['-shape', shape, ...(g.args ?? []), ...(trace ? ['-trace', path.join(dir, `${name}.trace`)] : [])];
          const snapshots = g.snapshots && target.startsWith('base') ? { GCLOAD_SNAPSHOTS: path.join(dir, `${shape}-${target}.metrics.jsonl`) } : {};
          const fullEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GODEBUG: 'gctrace=1', GOMAXPROCS: String(g.procs), ...runEnv, ...snapshots };
          const r = await run(bin, args, { env: fullEnv, timeout: 300_000 }).catch((err) => {
            throw new Error(`tests/go/gcload-shapes ${shape} ${target} failed:\n${err?.stderr || err?.message || err}`);
          });
          const metrics = JSON.parse(r.stdout);
          const cpuUse = metrics.cpuSeconds / (metrics.gomaxprocs * metrics.wallSeconds);
          const meta = {
            shape, heldOut: HELD_OUT.includes(shape), target, goVersion: version, procs: g.procs, env: runEnv, metrics, cpuUse,
            noisy: cpuUse < 0.9, load: os.loadavg()[0], baseline: repeat ? `${shape}-base-r${repeat}` : `${shape}-base`, ...(repeat ? { repeat } : {}),
          };
          await fs.writeFile(path.join(dir, `${name}.log`), r.stderr);
          await fs.writeFile(path.join(dir, `${name}.json`), JSON.stringify(meta, null, 1));
          return { text: r.stderr, metrics };
        };
        if (g.repeats) {
          let envs = null;
          for (let k = 1; k <= g.repeats; k++) {
            const base = await runOne('base', { GOGC: '100' }, false, k);
            envs ??= g.targets.map((t) => targetEnv(t, peakLiveOf(base.text), nonHeapOf(base.metrics)));
            for (const [i, target] of g.targets.entries()) await runOne(target, envs[i], false, k);
          }
          continue;
        }
        await fs.rm(path.join(dir, `${shape}-base.trace`), { force: true }); // a traced baseline of the earlier layout
        const base = await runOne('base', { GOGC: '100' }, false);
        await runOne('base-traced', { GOGC: '100' }, true);
        const peakLive = peakLiveOf(base.text);
        const nonHeap = nonHeapOf(base.metrics);
        for (const target of g.targets) await runOne(target, targetEnv(target, peakLive, nonHeap), false);
      }
      await fs.writeFile(`${stampPath}.${tag}`, hash);
      await fs.rename(`${stampPath}.${tag}`, stampPath);
    } finally {
      await fs.rm(bin, { force: true });
    }
    return { runs, made: runs };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const set = process.argv[2] ?? 'test';
  ensureCorpus(set, (m) => console.log(m)).then(
    (r) => console.log(`corpus ${set}: ${r.runs} runs (${r.made} made) in ${(r.ms / 1000).toFixed(0)} s → ${path.relative(repoRoot, r.dir)}`),
    (err) => {
      console.error(err?.message ?? err);
      process.exit(1);
    },
  );
}
