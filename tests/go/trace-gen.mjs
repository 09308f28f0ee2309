// Real Go execution traces for gpw's tests and benchmark: tests/go/tracegen built with several
// Go toolchains (GOTOOLCHAIN=go1.22.12 … fetched once from the Go module proxy), one trace per
// trace format version, and tests/go/traceref (Go's own trace reader, golang.org/x/exp/trace)
// as the reference. Each output is cached under tests/.tmp/gotrace with a stamp of the Go
// source, the toolchain and the arguments, so a second run costs nothing.
//
// Node built-ins only. Not a test file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock.mjs';
import { repoRoot, sourceHash } from './go-gen.mjs';

export const TRACE_DIR = path.join(repoRoot, 'tests', '.tmp', 'gotrace');

/** Toolchains whose traces the tests read: one per trace format version (Go 1.24 writes 1.23, as 1.23 does). */
export const TRACE_TOOLCHAINS = [
  { toolchain: 'go1.21.13', format: '1.21' },
  { toolchain: 'go1.22.12', format: '1.22' },
  { toolchain: 'go1.23.12', format: '1.23' },
  { toolchain: 'go1.25.5', format: '1.25' },
  { toolchain: 'local', format: 'local' },
];

/** Runs a command; a failure names it and carries its stderr (shared with hotspots-gen.mjs). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, windowsHide: true, timeout: 600_000, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${cmd} ${args.join(' ')} failed: ${stderr || err.message}`;
        reject(err);
      } else resolve({ stdout: opts.encoding === 'buffer' ? stdout : String(stdout), stderr: String(stderr) });
    });
  });
}

export const envFor = (toolchain) => ({ ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: toolchain === 'local' ? 'local' : toolchain });

/** Go that reads every trace format the tests make (1.26 reads 1.22 to 1.26): the local Go if new enough. */
export const REFERENCE_TOOLCHAIN = 'go1.26.8';
let referenceEnvPromise = null;
function referenceEnv() {
  referenceEnvPromise ??= run(process.env.GO || 'go', ['version'], { env: envFor('local') }).then((r) => {
    const m = /go1\.(\d+)/.exec(r.stdout);
    return envFor(m && Number(m[1]) >= 26 ? 'local' : REFERENCE_TOOLCHAIN);
  });
  return referenceEnvPromise;
}

/**
 * Makes `outPath` with `make(tmpPath)` unless its stamp matches `hash`. Test files run in
 * parallel: one makes it (under a lock), the others wait and use it; the file is written under a
 * temporary name and renamed, so nobody reads half a file.
 */
async function cached(stampPath, outPath, hash, make) {
  const fresh = async () => (await fs.readFile(stampPath, 'utf8').catch(() => null)) === hash && !!(await fs.stat(outPath).catch(() => null));
  if (await fresh()) return true;
  await fs.mkdir(path.dirname(outPath), { recursive: true });
  return withFileLock(`${outPath}.lock`, async () => {
    if (await fresh()) return true;
    const tag = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await make(outPath + tag, tag);
      await fs.rename(outPath + tag, outPath);
      await fs.writeFile(stampPath + tag, hash);
      await fs.rename(stampPath + tag, stampPath);
    } finally {
      await fs.rm(outPath + tag, { force: true });
    }
    return false;
  });
}

/** A new generation every 15 ms: short test traces still have several (the runtime's default is 1 s). */
export const SHORT_GENERATIONS = 'traceadvanceperiod=15000000';

/**
 * A trace written by tests/go/tracegen built with `toolchain` (run with GODEBUG=`godebug`).
 * @returns {Promise<{path: string, goVersion: string, cached: boolean, ms: number}>}
 */
export async function ensureTrace({ toolchain, name = toolchain, scale = 1, godebug = SHORT_GENERATIONS }) {
  const t0 = Date.now();
  const env = envFor(toolchain);
  const version = await run(process.env.GO || 'go', ['version'], { env }).then((r) => r.stdout.trim());
  const moduleDir = path.join(repoRoot, 'tests', 'go', 'tracegen');
  const hash = await sourceHash(moduleDir, version, 'tracegen', [String(scale), godebug]);
  const out = path.join(TRACE_DIR, `${name}.trace`);
  const wasCached = await cached(`${out}.stamp`, out, hash, async (tmpOut, tag) => {
    const bin = path.join(TRACE_DIR, `tracegen-${name}${tag}`);
    try {
      await run(process.env.GO || 'go', ['build', '-trimpath', '-buildvcs=false', '-o', bin, '.'], { cwd: moduleDir, env });
      await run(bin, ['-out', TRACE_DIR, '-name', path.basename(tmpOut), '-scale', String(scale)], { env: { ...process.env, GODEBUG: godebug } });
    } finally {
      await fs.rm(bin, { force: true });
    }
  });
  return { path: out, goVersion: version, cached: wasCached, ms: Date.now() - t0 };
}

/** The reference reader (built with the local Go). @returns {Promise<string>} its path */
export async function ensureTraceRef() {
  const moduleDir = path.join(repoRoot, 'tests', 'go', 'traceref');
  const env = await referenceEnv();
  const version = await run(process.env.GO || 'go', ['version'], { env }).then((r) => r.stdout.trim());
  const hash = await sourceHash(moduleDir, version, 'traceref', []);
  const bin = path.join(TRACE_DIR, 'traceref');
  await cached(`${bin}.stamp`, bin, hash, (tmpBin) => run(process.env.GO || 'go', ['build', '-trimpath', '-buildvcs=false', '-o', tmpBin, '.'], { cwd: moduleDir, env }));
  return bin;
}

/** Go's facts about a trace, from traceref. */
export async function traceRefFacts(tracePath) {
  const { stdout } = await run(await ensureTraceRef(), [tracePath]);
  return JSON.parse(stdout);
}

const toolPaths = new Map();
/** The binary of `go tool NAME` (run directly: the go command's own start-up is slow). */
async function goTool(name) {
  if (!toolPaths.has(name)) toolPaths.set(name, referenceEnv().then((env) => run(process.env.GO || 'go', ['tool', '-n', name], { env })).then((r) => r.stdout.trim()));
  return toolPaths.get(name);
}

/**
 * Builds `go tool pprof` and `go tool trace` before any test needs them: since Go 1.24 they are
 * not shipped prebuilt but built into the build cache on first use, ~20 s for pprof on an idle
 * machine. On a clean CI machine the first test to call one paid that inside its own time limit,
 * and under the suite's load it ran past it (the trace e2e test timed out at 60 s). Both the
 * reference toolchain's (goTool) and the plain `go` command's (tests/helpers/run.ts pprofTop).
 */
export async function ensureGoTools() {
  const t0 = Date.now();
  await Promise.all([goTool('trace'), goTool('pprof')]);
  await run(process.env.GO || 'go', ['tool', '-n', 'pprof']);
  return { ms: Date.now() - t0 };
}

/** go tool trace -pprof=KIND, totalled by go tool pprof -top: {count (contentions), delayNs}. */
/** The file `go tool trace -pprof=KIND` writes for the trace, under a name of its own (the caller removes it). */
export async function goTracePprofFile(tracePath, kind) {
  // A name of its own: two test files may ask for the same trace's profile at once.
  const prof = path.join(TRACE_DIR, `${path.basename(tracePath)}.${kind}.${process.pid}-${randomBytes(4).toString('hex')}.pb`);
  const { stdout } = await run(await goTool('trace'), [`-pprof=${kind}`, tracePath], { encoding: 'buffer' });
  await fs.writeFile(prof, stdout);
  return prof;
}

export async function goPprofTotals(tracePath, kind) {
  const prof = await goTracePprofFile(tracePath, kind);
  try {
    const pprof = await goTool('pprof');
    const top = (index) => run(pprof, ['-top', '-unit=ns', `-sample_index=${index}`, prof]).then((r) => r.stdout);
    const total = (text) => {
      const m = /of ([\d.]+)(ns)? total/.exec(text);
      return m ? Number(m[1]) : 0; // an empty profile prints no total
    };
    const [count, delay] = await Promise.all([top('contentions'), top('delay')]);
    return { count: total(count), delayNs: total(delay) };
  } finally {
    await fs.rm(prof, { force: true });
  }
}
