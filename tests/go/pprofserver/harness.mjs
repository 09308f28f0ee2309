// Builds tests/go/pprofserver (once per source hash and toolchain, into tests/.tmp/capture/bin)
// and starts it on 127.0.0.1 for the capture tests and tests/bench/capture-load.mjs.
// Node built-ins only.
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../file-lock.mjs';
import { goVersion, repoRoot, sourceHash } from '../go-gen.mjs';

const moduleDir = path.dirname(fileURLToPath(import.meta.url));
const binDir = path.join(repoRoot, 'tests', '.tmp', 'capture', 'bin');

/**
 * The server binary built with the given toolchain ('' = the default `go`; e.g. 'go1.22.12'
 * for a net/http/pprof that still refuses ?seconds beyond WriteTimeout with 400).
 * @param {string} [toolchain]
 * @returns {Promise<string>} path of the binary
 */
export async function buildPprofServer(toolchain = '') {
  return buildGoService(moduleDir, 'pprofserver', toolchain);
}

/**
 * Builds the Go service in moduleDir (once per source hash, toolchain and extra environment,
 * e.g. a GOEXPERIMENT) into tests/.tmp/capture/bin/NAME-TOOLCHAIN.
 * @param {string} dir
 * @param {string} name
 * @param {string} [toolchain]
 * @param {Record<string, string>} [extraEnv]
 * @returns {Promise<string>} path of the binary
 */
export async function buildGoService(dir, name, toolchain = '', extraEnv = {}) {
  const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0', ...extraEnv, ...(toolchain ? { GOTOOLCHAIN: toolchain } : {}) };
  const version = await withEnv(env, () => goVersion());
  const hash = await sourceHash(dir, version, name, [extraEnv]);
  const bin = path.join(binDir, `${name}-${toolchain || 'default'}`);
  const stamp = `${bin}.stamp`;
  const fresh = async () => (await fs.readFile(stamp, 'utf8').catch(() => '')) === hash && !!(await fs.stat(bin).catch(() => null));
  if (await fresh()) return bin;
  await fs.mkdir(binDir, { recursive: true });
  // Several test files build it: one builds, the others wait for that build.
  await withFileLock(`${bin}.lock`, async () => {
    if (await fresh()) return;
    const tmp = `${bin}.${process.pid}.tmp`;
    await new Promise((resolve, reject) =>
      execFile(process.env.GO || 'go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], { cwd: dir, env, timeout: 300_000 }, (err, _o, stderr) =>
        err ? reject(new Error(`go build of tests/go/${name} (${version}) failed:\n${stderr || err.message}`)) : resolve(undefined),
      ),
    );
    await fs.rename(tmp, bin);
    await fs.writeFile(stamp, hash);
  });
  return bin;
}

async function withEnv(env, fn) {
  const saved = process.env.GOTOOLCHAIN;
  if (env.GOTOOLCHAIN) process.env.GOTOOLCHAIN = env.GOTOOLCHAIN;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.GOTOOLCHAIN;
    else process.env.GOTOOLCHAIN = saved;
  }
}

/**
 * Starts the server and resolves once it printed its URL (bounded by timeoutMs).
 * The child exits when its stdin closes, so it never outlives the test process.
 * @param {string} bin
 * @param {string[]} [flags]
 * @param {number} [timeoutMs]
 * @returns {Promise<{url: string, pid: number, stop: () => Promise<void>}>}
 */
export function startPprofServer(bin, flags = [], timeoutMs = 10_000) {
  return startGoService(bin, flags, timeoutMs, 'pprofserver');
}

/**
 * Starts a Go test service that prints "listening URL" on stdout; every whole stdout line also
 * goes to onLine (from the first on).
 * @param {string} bin
 * @param {string[]} flags
 * @param {number} timeoutMs
 * @param {string} name for messages
 * @param {(line: string) => void} [onLine]
 * @returns {Promise<{url: string, pid: number, stop: () => Promise<void>}>}
 */
export function startGoService(bin, flags, timeoutMs, name, onLine = () => {}) {
  const proc = spawn(bin, flags, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let url = '';
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`${name} did not start: ${err}`))), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${err}`));
    });
    proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        onLine(line);
        const m = /^listening (https?:\/\/\S+)/.exec(line);
        if (m && !url) {
          url = m[1];
          clearTimeout(timer);
          resolve({ url, pid: proc.pid, stop });
        }
      }
    });
  });
}
