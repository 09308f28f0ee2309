// For the benchmarks that drive the app: `gpw serve` on a library and a Chromium page on it
// (only the server's own origin reachable), 1600×1000.
//
//   const app = await openServedPage(libraryPath);   // { page, url, close, serverPid }
//   openServedPage(libraryPath, { dialogFile: FILE })  // the app's engine instead, its "Import files…"
//                                                      // dialog answered with FILE (tests/bench/dialog-serve.mjs)
//
// BENCH_SERVE_NODE_ARGS: node options for gpw serve, space-separated (e.g. `--cpu-prof
// --cpu-prof-dir=/tmp/prof`: a CPU profile of each of its threads, written when it ends).
// BENCH_SERVE_ECHO=1: gpw serve's standard output copied to this process's standard error (what
// node options such as --trace-opt, --trace-deopt or --trace-gc print there).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts gpw serve on `libraryPath`, opens its page (not yet navigated: call `page.goto(url)`).
 * `options`: another viewport size or device pixel ratio than 1600×1000 at 1; `options.dialogFile`: serve
 * the engine the Electron app makes instead, whose open dialog answers that file (dialog-serve.mjs).
 */
export async function openServedPage(libraryPath, options = {}) {
  const command = options.dialogFile ? [join(ROOT, 'tests/bench/dialog-serve.mjs'), options.dialogFile] : [join(ROOT, 'bin/gpw.js'), 'serve'];
  const server = spawn(process.execPath, [...nodeArgs(), ...command], { env: { ...process.env, GPW_LIBRARY: libraryPath }, stdio: ['ignore', 'pipe', 'inherit'] });
  let browser;
  const close = async () => {
    await browser?.close();
    const ended = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    // A CPU profile is written as the server ends: wait for it (bounded).
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command[0]} printed no URL in 20 s`)), 20_000);
      server.stdout.setEncoding('utf8');
      server.stdout.on('data', (d) => {
        if (process.env.BENCH_SERVE_ECHO) process.stderr.write(d);
        const m = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(d);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: options.width ?? 1600, height: options.height ?? 1000 }, deviceScaleFactor: options.deviceScaleFactor ?? 1 });
    const origin = new URL(url).origin;
    await page.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.abort()));
    return { page, url, close, serverPid: server.pid };
  } catch (err) {
    await close();
    throw err;
  }
}

function nodeArgs() {
  return (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
}
