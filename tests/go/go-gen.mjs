// Shared by tests/go/make-fixtures.mjs and tests/bench/make-big-allocs.mjs:
// build one of the Go programs under tests/go/<name>/ and run it to write real
// pprof profiles into a folder, skipping both steps when the folder already
// holds the files and a stamp that matches the Go source and `go version`.
//
// Node built-ins only. Not a test file (vitest only collects *.test.*).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from './file-lock.mjs';

const here = path.dirname(fileURLToPath(import.meta.url)); // tests/go
export const repoRoot = path.resolve(here, '..', '..');

export class GoMissingError extends Error {
  constructor(cmd, cause) {
    super(
      `the Go toolchain was not found (tried to run "${cmd} version"). ` +
        'gpw generates its pprof test fixtures with Go >= 1.22: install it from https://go.dev/dl/ ' +
        'and make sure `go` is on PATH (or set GO=/path/to/go).',
    );
    this.name = 'GoMissingError';
    this.cause = cause;
  }
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 << 20, windowsHide: true, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.stdout = stdout;
        err.stderr = stderr;
        reject(err);
      } else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function exists(p) {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** `go version` output, or GoMissingError. */
export async function goVersion(goCmd = process.env.GO || 'go') {
  try {
    const { stdout } = await run(goCmd, ['version'], { timeout: 60_000 });
    return stdout.trim();
  } catch (err) {
    if (err && (err.code === 'ENOENT' || err.code === 'EACCES')) throw new GoMissingError(goCmd, err);
    throw new Error(`"${goCmd} version" failed: ${err?.stderr || err?.message || err}`);
  }
}

// -trimpath: no local absolute paths in the profiles' file names.
// -buildvcs=false: the repo may have no commits yet, or no git at all.
const BUILD_FLAGS = ['-trimpath', '-buildvcs=false'];

/** sha256 over the module's go.mod/go.sum/*.go, the go version, build flags and run arguments. */
export async function sourceHash(moduleDir, version, name, args) {
  const h = createHash('sha256');
  h.update(`${name}\0${version}\0${JSON.stringify(BUILD_FLAGS)}\0${JSON.stringify(args)}\0`);
  const names = (await fs.readdir(moduleDir))
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .sort();
  for (const f of names) {
    h.update(`${f}\0`);
    h.update(await fs.readFile(path.join(moduleDir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Make sure `outDir` holds `files` produced by tests/go/<name>.
 * @param {{name: string, outDir: string, files: string[], args?: string[], log?: (msg: string) => void}} o
 * @returns {Promise<{cached: boolean, outDir: string, ms: number}>}
 */
export async function ensureGoProfiles({ name, outDir, files, args = [], log = () => {} }) {
  const t0 = Date.now();
  const goCmd = process.env.GO || 'go';
  const version = await goVersion(goCmd);
  const moduleDir = path.join(here, name);
  const stampPath = path.join(outDir, `${name}.stamp`);
  const hash = await sourceHash(moduleDir, version, name, args);

  const fresh = async () =>
    (await fs.readFile(stampPath, 'utf8').catch(() => null)) === hash && (await Promise.all(files.map((f) => exists(path.join(outDir, f))))).every(Boolean);
  if (await fresh()) return { cached: true, outDir, ms: Date.now() - t0 };
  await fs.mkdir(outDir, { recursive: true });
  // Test files running in parallel may ask at once: one makes the files, the others wait for it.
  return withFileLock(path.join(outDir, `${name}.lock`), async () => {
    if (await fresh()) return { cached: true, outDir, ms: Date.now() - t0 };
    await makeGoProfiles({ name, outDir, files, args, log, goCmd, version, moduleDir, stampPath, hash });
    return { cached: false, outDir, ms: Date.now() - t0 };
  });
}

async function makeGoProfiles({ name, outDir, files, args, log, goCmd, version, moduleDir, stampPath, hash }) {
  await fs.rm(stampPath, { force: true });

  // Unique temporary names so that concurrent runs cannot trip over each other.
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binDir = path.join(here, 'bin');
  const finalBin = path.join(binDir, name + exe);
  // The binary keeps its real name (it is the mapping's file name in the profiles).
  const tmpBinDir = path.join(binDir, `.tmp-${name}-${tag}`);
  const tmpBin = path.join(tmpBinDir, name + exe);
  const tmpOut = path.join(outDir, `.tmp-${name}-${tag}`);
  await fs.mkdir(tmpBinDir, { recursive: true });

  try {
    log(`building tests/go/${name} with ${version}`);
    try {
      await run(goCmd, ['build', ...BUILD_FLAGS, '-o', tmpBin, '.'], {
        cwd: moduleDir,
        env: { ...process.env, GOWORK: 'off', CGO_ENABLED: '0' },
        timeout: 300_000,
      });
    } catch (err) {
      throw new Error(`go build of tests/go/${name} failed:\n${err?.stderr || err?.message || err}`);
    }

    // Move the binary to tests/go/bin/<name> and run it from there (its path is the
    // profiles' main mapping); if that fails (Windows, a concurrent run), use the copy.
    const bin = await fs.rename(tmpBin, finalBin).then(
      () => finalBin,
      () => tmpBin,
    );
    log(`running ${name} -> ${path.relative(repoRoot, outDir) || outDir}`);
    try {
      await run(bin, ['-out', tmpOut, ...args], { timeout: 300_000 });
    } catch (err) {
      throw new Error(`tests/go/${name} failed:\n${err?.stderr || err?.message || err}`);
    }

    for (const f of files) {
      const src = path.join(tmpOut, f);
      const st = await fs.stat(src).catch(() => null);
      if (!st || st.size === 0) throw new Error(`tests/go/${name} did not write ${f}`);
      await fs.rename(src, path.join(outDir, f));
    }
    const tmpStamp = `${stampPath}.${tag}`;
    await fs.writeFile(tmpStamp, hash);
    await fs.rename(tmpStamp, stampPath);
  } finally {
    await fs.rm(tmpOut, { recursive: true, force: true });
    await fs.rm(tmpBinDir, { recursive: true, force: true }).catch(() => {});
  }
}
