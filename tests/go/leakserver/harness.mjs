// Builds tests/go/leakserver (with Go 1.26's goroutineleak profile turned on) and starts it on
// 127.0.0.1, collecting the values it logs having served. Node built-ins only.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoService, startGoService } from '../pprofserver/harness.mjs';

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
export async function startLeakServer(bin, flags = [], timeoutMs = 10_000) {
  /** @type {{what: string, at: number, values: Record<string, number>}[]} */
  const served = [];
  const service = await startGoService(bin, flags, timeoutMs, 'leakserver', (line) => {
    const m = /^served (\w+) at=(\d+) (.*)$/.exec(line);
    if (!m) return;
    const values = Object.fromEntries(m[3].split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    served.push({ what: m[1], at: Number(m[2]), values });
  });
  return { ...service, served };
}
