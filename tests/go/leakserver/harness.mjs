// Builds tests/go/leakserver (with Go 1.26's goroutineleak profile turned on) and starts it on
// 127.0.0.1, collecting the values it logs having served. Node built-ins only.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildGoService } from '../pprofserver/harness.mjs';

const moduleDir = path.dirname(fileURLToPath(import.meta.url));

/** @returns {Promise<string>} path of the binary */
export function buildLeakServer() {
  return buildGoService(moduleDir, 'leakserver', '', { GOEXPERIMENT: 'goroutineleakprofile' });
}

/**
 * Starts the service; `served` collects its "served …" lines as {what, at, values}.
 * @param {string} bin
 * @param {string[]} [flags]
 */
export function startLeakServer(bin, flags = [], timeoutMs = 10_000) {
  const proc = spawn(bin, flags, { stdio: ['pipe', 'pipe', 'pipe'] });
  /** @type {{what: string, at: number, values: Record<string, number>}[]} */
  const served = [];
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`leakserver did not start: ${err}`))), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`leakserver exited (${code}): ${err}`));
    });
    proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    let url = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /^served (\w+) at=(\d+) (.*)$/.exec(line);
        if (m) {
          const values = Object.fromEntries(m[3].split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
          served.push({ what: m[1], at: Number(m[2]), values });
        }
        const l = /^listening (http:\/\/\S+)/.exec(line);
        if (l && !url) {
          url = l[1];
          clearTimeout(timer);
          resolve({ url, pid: proc.pid, served, stop });
        }
      }
    });
  });
}
