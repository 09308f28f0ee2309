// Makes the gctrace logs gpw's GC tests read: builds tests/go/gcload with a Go toolchain and runs
// it under GODEBUG=gctrace=1 with a list of GOGC / GOMEMLIMIT settings, one run after another (in
// parallel they would take each other's CPU and distort the GC CPU figures).
//
//   tests/.tmp/gcload/<set>/<config>.log    the program's stderr (gctrace + its own lines)
//   tests/.tmp/gcload/<set>/<config>.json   runtime/metrics at exit (stdout)
//
// A set is skipped when its stamp matches a hash of the Go source, the toolchain, the arguments
// and the configs. Older toolchains come from the Go module proxy (GOTOOLCHAIN=go1.19.13 …),
// downloaded into the module cache once. Node built-ins only; not a test file.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock.mjs';
import { goVersion, repoRoot } from './go-gen.mjs';

const moduleDir = path.join(repoRoot, 'tests', 'go', 'gcload');
export const gcloadRoot = path.join(repoRoot, 'tests', '.tmp', 'gcload');

export function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout: String(stdout), stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Go files that add an opt-in feature (off unless its environment variable is set) and leave every
 * run without it as it was: kept out of the stamp, so adding one does not invalidate recordings.
 */
const OPT_IN_FILES = new Set(['snapshots.go']);

export async function sourceHash(parts, dir = moduleDir) {
  const h = createHash('sha256');
  h.update(JSON.stringify(parts));
  for (const f of (await fs.readdir(dir)).filter((f) => (f.endsWith('.go') || f === 'go.mod') && !OPT_IN_FILES.has(f)).sort()) {
    h.update(`${f}\0`);
    h.update(await fs.readFile(path.join(dir, f)));
  }
  return h.digest('hex');
}

/**
 * @typedef {{name: string, env: Record<string, string>}} GcConfig
 * @param {{set: string, toolchain?: string, args?: string[], configs: GcConfig[], godebug?: string, attempts?: number, quietUse?: number, log?: (m: string) => void}} o
 * toolchain: e.g. "go1.21.13" (fetched through GOTOOLCHAIN), or undefined for the `go` on PATH.
 * attempts: runs per config at most; the one whose process CPU time was the largest share of
 * GOMAXPROCS × wall time is kept (stops early once that share reaches quietUse).
 * @returns {Promise<{dir: string, goVersion: string, cached: boolean, ms: number}>}
 */
export async function ensureGcLogs({ set, toolchain, args = [], configs, godebug = 'gctrace=1', attempts = 1, quietUse = 0.9, log = () => {} }) {
  const t0 = Date.now();
  const goCmd = process.env.GO || 'go';
  const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' };
  if (toolchain) env.GOTOOLCHAIN = toolchain;
  const version = await goVersion(goCmd).then(() => run(goCmd, ['version'], { env, timeout: 600_000 })).then(
    (r) => r.stdout.trim(),
    (err) => {
      throw new Error(`cannot get Go ${toolchain ?? '(default)'}: ${err?.stderr || err?.message || err}`);
    },
  );
  const dir = path.join(gcloadRoot, set);
  const stampPath = path.join(dir, 'stamp');
  const hash = await sourceHash({ version, args, configs, godebug });
  const fresh = async () => (await fs.readFile(stampPath, 'utf8').catch(() => null)) === hash;
  if (await fresh()) return { dir, goVersion: version, cached: true, ms: Date.now() - t0 };
  await fs.mkdir(dir, { recursive: true });
  // Test files running in parallel may ask for the same set: one runs it, the others wait.
  return withFileLock(`${dir}.lock`, async () => {
    if (await fresh()) return { dir, goVersion: version, cached: true, ms: Date.now() - t0 };
    await makeGcLogs({ dir, stampPath, hash, version, goCmd, env, args, configs, godebug, attempts, quietUse, log });
    return { dir, goVersion: version, cached: false, ms: Date.now() - t0 };
  });
}

async function makeGcLogs({ dir, stampPath, hash, version, goCmd, env, args, configs, godebug, attempts, quietUse, log }) {
  await fs.rm(stampPath, { force: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const bin = path.join(dir, `.gcload-${tag}`);
  try {
    log(`building tests/go/gcload with ${version}`);
    await buildGoProgram(goCmd, moduleDir, bin, env, version);
    for (const c of configs) {
      const runEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GODEBUG: godebug, GOMAXPROCS: '2', ...c.env };
      // gctrace's CPU figures are shares of GOMAXPROCS × wall time: a run that other processes
      // slowed down shows it as less CPU used than available. Keep the least disturbed attempt.
      let best = null;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        log(`running gcload ${c.name} (${version})${attempts > 1 ? `, attempt ${attempt}` : ''}`);
        const r = await runGcload(bin, args, runEnv, `${c.name} (${version})`);
        const m = JSON.parse(r.stdout);
        const use = m.cpuSeconds / (m.gomaxprocs * m.wallSeconds);
        if (best === null || use > best.use) best = { ...r, use };
        if (use >= quietUse) break;
      }
      await fs.writeFile(path.join(dir, `${c.name}.log`), best.stderr);
      await fs.writeFile(path.join(dir, `${c.name}.json`), best.stdout);
    }
    await fs.writeFile(`${stampPath}.${tag}`, hash);
    await fs.rename(`${stampPath}.${tag}`, stampPath);
  } finally {
    await fs.rm(bin, { force: true });
  }
}

/**
 * One gcload run. A run a loaded machine held past the time limit is run once more (the runs are
 * 1–2 s quiet, 10–15 s on a machine busy with other tests); any other failure is reported with
 * how the process ended and the end of what it printed.
 */
async function runGcload(bin, args, env, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(bin, args, { env, timeout: 240_000 });
    } catch (err) {
      if (err?.killed && attempt < 2) continue;
      const how = err?.killed ? `killed after 240 s (${err.signal})` : err?.signal ? `ended by ${err.signal}` : `exit code ${err?.code}`;
      const tail = String(err?.stderr ?? '').slice(-3000);
      throw new Error(`tests/go/gcload ${what} failed: ${how}; ${err?.message?.split('\n')[0] ?? err}\nthe end of its stderr:\n${tail}`);
    }
  }
}

/** Builds a tests/go program with the toolchain `env` selects (files by name: "go build ." fails under go1.19 through GOTOOLCHAIN). */
export async function buildGoProgram(goCmd, dir, bin, env, version) {
  const sources = (await fs.readdir(dir)).filter((f) => f.endsWith('.go')).sort();
  await run(goCmd, ['build', '-trimpath', '-o', bin, ...sources], { cwd: dir, env, timeout: 600_000 }).catch((err) => {
    throw new Error(`go build of ${path.relative(repoRoot, dir)} (${version}) failed:\n${err?.stderr || err?.message || err}`);
  });
}

/**
 * The gctrace lines of a gcload log, read without gpw's parser: the program's progress lines
 * are taken out first. The program writes each in one piece and the runtime writes a gc line in
 * many, so a progress line can sit inside a gc line; taking it out puts the gc line back.
 * @param {string} text @returns {string[]}
 */
export function gcLinesOf(text) {
  return text.replace(/gcload: \d+% done, live target \d+ MB\n/g, '').split('\n').filter((l) => /^gc \d+ @/.test(l));
}

/** The Go releases the parser tests read logs from (the newest patch of each, from the proxy). */
export const GO_TOOLCHAINS = ['go1.19.13', 'go1.20.14', 'go1.21.13', 'go1.22.12', 'go1.23.12', 'go1.24.13', 'go1.25.7'];

/** The parser tests' runs per Go release (tests/unit/gctrace-versions.test.ts, gc-self-replay.test.ts). */
export const VERSION_CONFIGS = [
  { name: 'gogc100', env: {} },
  { name: 'gogc50-limit48', env: { GOGC: '50', GOMEMLIMIT: '48MiB' } },
];
export const VERSION_ARGS = ['-steps', '300000', '-work', '50'];

/**
 * The CLI tests' GOGC=100 log (tests/unit/gc-cli.test.ts): made by the global setup before other
 * tests load the machine, keeping the least disturbed of three runs; its what-ifs are ordered checks.
 */
export function ensureCliGcLog(log = () => {}) {
  return ensureGcLogs({ set: 'cli', configs: [{ name: 'gogc100', env: { GOGC: '100' } }], args: ['-steps', '600000', '-work', '100'], godebug: 'gctrace=1', attempts: 3, log });
}

/** The validation's settings: the GOGC=100 run is the baseline gpw predicts the others from. */
export const VALIDATION_CONFIGS = [
  { name: 'gogc100', env: { GOGC: '100' } },
  { name: 'gogc25', env: { GOGC: '25' } },
  { name: 'gogc50', env: { GOGC: '50' } },
  { name: 'gogc200', env: { GOGC: '200' } },
  { name: 'gogc400', env: { GOGC: '400' } },
  { name: 'gogcoff-limit120', env: { GOGC: 'off', GOMEMLIMIT: '120MiB' } },
  { name: 'gogc100-limit80', env: { GOGC: '100', GOMEMLIMIT: '80MiB' } },
  { name: 'gogc100-limit100', env: { GOGC: '100', GOMEMLIMIT: '100MiB' } },
  { name: 'gogc100-limit130', env: { GOGC: '100', GOMEMLIMIT: '130MiB' } },
];
export const VALIDATION_ARGS = ['-steps', '2000000', '-work', '400'];

/**
 * The validation's runs (tests/unit/gc-validation.test.ts). npm test makes them in its global
 * setup, before any test file runs: its figures are shares of the machine's CPU, and the runs
 * should not share it with other tests. Each setting runs up to three times; the run least
 * disturbed by other processes is kept.
 */
export function ensureValidationLogs(log = () => {}) {
  return ensureGcLogs({ set: 'validation', configs: VALIDATION_CONFIGS, args: VALIDATION_ARGS, godebug: 'gctrace=1,gcpacertrace=1', attempts: 3, log });
}
