// Makes the `go test -bench` outputs gpw's benchmark tests compare: tests/go/benchpair in its two
// versions (the new one built with -tags benchnew: one benchmark about 2× slower, one only in
// it), as pairs of base/new outputs with different -count, one pair over two packages (two
// configurations in one file). Also builds benchstat from golang.org/x/perf, the tests' reference.
//
//   tests/.tmp/benchpair/<pair>/base.txt, new.txt   go test's stdout
//   tests/.tmp/benchstat/benchstat                   the reference
//
// Skipped when the stamp matches a hash of the Go sources, `go version` and the pairs. Node
// built-ins only; not a test file.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock.mjs';
import { goVersion, repoRoot, sourceHash } from './go-gen.mjs';

const moduleDir = path.join(repoRoot, 'tests', 'go', 'benchpair');
export const benchpairRoot = path.join(repoRoot, 'tests', '.tmp', 'benchpair');
const benchstatDir = path.join(repoRoot, 'tests', '.tmp', 'benchstat');

/** The pairs: -count per side, and the packages run (./... writes two configurations). */
export const BENCH_PAIRS = [
  { name: 'count10', base: 10, new: 10, pkgs: ['.'] },
  { name: 'count6x8', base: 6, new: 8, pkgs: ['.'] },
  { name: 'count3', base: 3, new: 3, pkgs: ['.'] },
  { name: 'twopkgs7', base: 7, new: 7, pkgs: ['./...'] },
];
const BENCHTIME = '20ms';

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout: String(stdout), stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const goEnv = () => ({ ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' });

/** @returns {Promise<{dir: string, pairs: typeof BENCH_PAIRS, cached: boolean, ms: number}>} */
export async function ensureBenchPairs(log = () => {}) {
  const t0 = Date.now();
  const goCmd = process.env.GO || 'go';
  const version = await goVersion(goCmd);
  const hash = createHash('sha256')
    .update(await sourceHash(moduleDir, version, 'benchpair', { pairs: BENCH_PAIRS, BENCHTIME }))
    .update(await sourceHash(path.join(moduleDir, 'sub'), version, 'benchpair/sub', []))
    .digest('hex');
  const stampPath = path.join(benchpairRoot, 'stamp');
  const fresh = async () => (await fs.readFile(stampPath, 'utf8').catch(() => null)) === hash;
  const result = (cached) => ({ dir: benchpairRoot, pairs: BENCH_PAIRS, cached, ms: Date.now() - t0 });
  if (await fresh()) return result(true);
  await fs.mkdir(benchpairRoot, { recursive: true });
  return withFileLock(`${benchpairRoot}.lock`, async () => {
    if (await fresh()) return result(true);
    await fs.rm(stampPath, { force: true });
    for (const p of BENCH_PAIRS) {
      await fs.mkdir(path.join(benchpairRoot, p.name), { recursive: true });
      for (const side of ['base', 'new']) {
        log(`go test -bench (${p.name}, ${side}, -count ${p[side]})`);
        const tags = side === 'new' ? ['-tags', 'benchnew'] : [];
        const args = ['test', ...tags, '-run', '^$', '-bench', '.', '-benchmem', '-count', String(p[side]), '-benchtime', BENCHTIME, ...p.pkgs];
        const r = await run(goCmd, args, { cwd: moduleDir, env: goEnv(), timeout: 600_000 }).catch((err) => {
          throw new Error(`go ${args.join(' ')} in tests/go/benchpair failed:\n${err?.stdout ?? ''}${err?.stderr || err?.message || err}`);
        });
        await fs.writeFile(path.join(benchpairRoot, p.name, `${side}.txt`), r.stdout);
      }
    }
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    await fs.writeFile(`${stampPath}.${tag}`, hash);
    await fs.rename(`${stampPath}.${tag}`, stampPath);
    return result(false);
  });
}

/** benchstat built from golang.org/x/perf (go install …@latest, once; the module proxy's current release). */
export async function ensureBenchstat() {
  const bin = path.join(benchstatDir, 'benchstat');
  if (await fs.access(bin).then(() => true, () => false)) return bin;
  await fs.mkdir(benchstatDir, { recursive: true });
  return withFileLock(`${benchstatDir}.lock`, async () => {
    if (await fs.access(bin).then(() => true, () => false)) return bin;
    await run(process.env.GO || 'go', ['install', 'golang.org/x/perf/cmd/benchstat@latest'], { env: { ...goEnv(), GOBIN: benchstatDir }, timeout: 600_000 }).catch((err) => {
      throw new Error(`go install golang.org/x/perf/cmd/benchstat@latest failed:\n${err?.stderr || err?.message || err}`);
    });
    return bin;
  });
}
