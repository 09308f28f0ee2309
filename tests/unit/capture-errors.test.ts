// What a capture says when it cannot succeed, each against a real Go service on 127.0.0.1
// (tests/go/pprofserver variants) or a real closed port: connection refused, TLS trust, plain
// HTTP on an https URL, 404 (no net/http/pprof, no expvar, no /metrics), 405, a redirect,
// 400 from WriteTimeout (net/http/pprof of Go 1.22), empty block/mutex profiles, a second CPU
// profile at once, a body over the limit, and cancellation mid-capture. Nothing failed is written.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureJobStatus, CaptureSpec } from '../../src-main/api/collect-types';
import { Engine } from '../../src-main/engine';
import type { CaptureTarget } from '../../src-main/collect/capture-job';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { repoPath, tempDir } from '../helpers/paths';

type Server = { url: string; stop: () => Promise<void> };
const servers: Server[] = [];
let plain: Server;
let quiet: Server; // block/mutex profiling off, no expvar, no /metrics
let old: Server; // Go 1.22's net/http/pprof with WriteTimeout 2s
let tls: Server;
let caPem: string;
let engine: Engine;
const tmp = tempDir('gpw-capture-err-');

beforeAll(async () => {
  const [bin, bin122] = await Promise.all([buildPprofServer(), buildPprofServer('go1.22.12')]);
  const caFile = join(tmp.dir, 'ca.pem');
  [plain, quiet, old, tls] = await Promise.all([
    startPprofServer(bin),
    startPprofServer(bin, ['-contention=false', '-expvar=false', '-metrics=false']),
    startPprofServer(bin122, ['-write-timeout', '2s']),
    startPprofServer(bin, ['-tls', '-ca-out', caFile]),
  ]);
  servers.push(plain, quiet, old, tls);
  caPem = readFileSync(caFile, 'utf8');
  engine = new Engine({ libraryPath: join(tmp.dir, 'lib.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await Promise.all(servers.map((s) => s.stop()));
  tmp.cleanup();
});

async function waitJob(jobId: string, boundMs = 30_000): Promise<CaptureJobStatus> {
  const end = Date.now() + boundMs;
  for (;;) {
    const s = await engine.captureStatus({ jobId });
    if (s.phase !== 'running') return s;
    if (Date.now() > end) throw new Error(`job still running after ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Captures and returns the one failure message; checks nothing was written. */
async function failureOf(args: { url?: string; targetId?: string }, kinds: CaptureSpec[]): Promise<string> {
  const before = engine.library.count();
  const s = await waitJob((await engine.startCapture({ ...args, kinds })).jobId);
  expect(s.phase).toBe('failed');
  expect(s.result!.failures.length).toBe(kinds.length);
  expect(engine.library.count()).toBe(before);
  return s.result!.failures.map((f) => f.message).join('\n');
}

/** Whether the Go service is serving a CPU profile now (its goroutine dump shows the handler). */
async function profiling(url: string): Promise<boolean> {
  const dump = await (await fetch(`${url}/debug/pprof/goroutine?debug=1`)).text();
  return dump.includes('net/http/pprof.Profile');
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('network and TLS', () => {
  it('connection refused says to check the service and port', async () => {
    const port = await closedPort();
    const msg = await failureOf({ url: `http://127.0.0.1:${port}` }, [{ kind: 'heap' }]);
    expect(msg).toBe(`http://127.0.0.1:${port}/debug/pprof/heap: connection refused by 127.0.0.1:${port}: is the service running, and listening on port ${port}?`);
  });

  it('an untrusted self-signed certificate names the fix; the CA or an explicit skip makes it work', async () => {
    const msg = await failureOf({ url: tls.url }, [{ kind: 'goroutine' }]);
    expect(msg).toMatch(/TLS: the server is not trusted: .*self-signed.*Add its CA certificate \(PEM\) to the target, or, only if you accept the risk, turn on "skip certificate verification"/);

    const withCa = await engine.saveTarget({ name: 'tls-ca', baseUrl: tls.url, caPem });
    const ok = await waitJob((await engine.startCapture({ targetId: withCa.id, kinds: [{ kind: 'goroutine' }] })).jobId);
    expect(ok.result!.failures.map((f) => f.message)).toEqual([]);
    expect(ok.result!.artifacts[0].source).toBe(`${tls.url}/debug/pprof/goroutine`);

    const skip = await engine.saveTarget({ name: 'tls-skip', baseUrl: tls.url, insecureSkipVerify: true });
    expect(skip.tls).toEqual({ insecureSkipVerify: true });
    const ok2 = await waitJob((await engine.startCapture({ targetId: skip.id, kinds: [{ kind: 'goroutine' }] })).jobId);
    expect(ok2.phase).toBe('done');
  });

  it('https:// against a plain HTTP service says to use http://', async () => {
    const msg = await failureOf({ url: plain.url.replace('http:', 'https:') }, [{ kind: 'heap' }]);
    expect(msg).toMatch(/does not speak TLS: use an http:\/\/ URL/);
  });
});

describe('HTTP answers', () => {
  it('404 without net/http/pprof, expvar or /metrics', async () => {
    const msg = await failureOf({ url: `${plain.url}/nothing` }, [{ kind: 'heap' }]);
    expect(msg).toBe(`${plain.url}/nothing/debug/pprof/heap: 404: no net/http/pprof here; import _ "net/http/pprof" in the Go program (or mount its handlers) and check the base URL`);
    const other = await failureOf({ url: quiet.url }, [{ kind: 'expvar' }, { kind: 'metrics' }]);
    expect(other).toMatch(/debug\/vars: 404: this service does not expose \/debug\/vars \(import _ "expvar"/);
    expect(other).toMatch(/metrics: 404: this service does not expose a Prometheus \/metrics endpoint/);
  });

  it('405 from a method-restricting router', async () => {
    const msg = await failureOf({ url: `${plain.url}/limited` }, [{ kind: 'heap' }]);
    expect(msg).toMatch(/405 Method Not Allowed: something in front of net\/http\/pprof .* refuses GET on this path \(it allows POST\)/);
  });

  it('a redirect is reported, not followed', async () => {
    const msg = await failureOf({ url: `${plain.url}/moved` }, [{ kind: 'heap' }]);
    expect(msg).toMatch(/redirects \(302\) to \/debug\/pprof\/; gpw does not follow redirects/);
  });

  it("400 profile duration exceeds server's WriteTimeout says which setting to raise", async () => {
    const msg = await failureOf({ url: old.url }, [{ kind: 'cpu', seconds: 3 }, { kind: 'allocs', seconds: 3 }]);
    const lines = msg.split('\n');
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l).toMatch(/400: profile duration exceeds server's WriteTimeout: raise the WriteTimeout of the Go program's http\.Server above the capture's seconds/);
    // Under the WriteTimeout the same server answers.
    const ok = await waitJob((await engine.startCapture({ url: old.url, kinds: [{ kind: 'cpu', seconds: 1 }] })).jobId);
    expect(ok.phase).toBe('done');
  });

  it('empty block and mutex profiles say which runtime call turns them on', async () => {
    const msg = await failureOf({ url: quiet.url }, [{ kind: 'block' }, { kind: 'mutex' }]);
    expect(msg).toMatch(/block profile is empty: block profiling is off in the Go program: call runtime\.SetBlockProfileRate\(1\)/);
    expect(msg).toMatch(/mutex profile is empty: mutex profiling is off in the Go program: call runtime\.SetMutexProfileFraction\(5\)/);
  });

  it('a second CPU profile at once is refused by the Go program, and said so', async () => {
    // Long enough that the second request lands while the first records, however slowly this
    // machine saw the first one start (with 2 s a loaded machine could see it end first).
    const first = await engine.startCapture({ url: plain.url, kinds: [{ kind: 'cpu', seconds: 5 }] });
    await expect.poll(() => profiling(plain.url), { timeout: 10_000 }).toBe(true);
    const msg = await failureOf({ url: plain.url }, [{ kind: 'cpu', seconds: 1 }]);
    expect(msg).toMatch(/500: the Go program is already recording a CPU profile/);
    expect((await waitJob(first.jobId)).phase).toBe('done');
  });
});

describe('limits and cancellation', () => {
  const target = (maxBodyBytes: number): CaptureTarget => ({
    id: null, name: 'limited', baseUrl: plain.url, labels: {}, headers: {}, tls: {}, timeoutSeconds: 10, maxBodyBytes,
  });

  it('a body over the limit is refused, whether announced or streamed', async () => {
    const before = engine.library.count();
    // /debug/pprof/cmdline is short: Go sends a Content-Length. /metrics is long and chunked.
    const announced = await engine.capture.startJob(target(8), [{ kind: 'cmdline' }]).done;
    expect(announced.failures[0].message).toMatch(/cmdline: the answer is \d+ bytes, over the target's limit of 8 bytes; raise "max body size"/);
    const streamed = await engine.capture.startJob(target(4096), [{ kind: 'metrics' }]).done;
    expect(streamed.failures[0].message).toBe(`${plain.url}/metrics: the answer grew past the target's limit of 4096 bytes; raise "max body size" for this target if that size is expected`);
    expect(engine.library.count()).toBe(before);
  });

  it('cancelling mid-capture stops at once and writes nothing', async () => {
    const before = engine.library.count();
    const { jobId } = await engine.startCapture({ url: plain.url, kinds: [{ kind: 'cpu', seconds: 20 }, { kind: 'heap' }], run: 'cancelled run' });
    // Waits bounded for a loaded machine (each takes a second or so on a quiet one).
    await expect.poll(async () => (await engine.captureStatus({ jobId })).items[1].phase, { timeout: 15_000 }).toBe('done');
    await expect.poll(() => profiling(plain.url), { timeout: 15_000 }).toBe(true);
    // The bar fills with the CPU profile's seconds.
    await expect.poll(async () => (await engine.captureStatus({ jobId })).fraction, { timeout: 15_000 }).toBeGreaterThan(0.02);
    const mid = await engine.captureStatus({ jobId });
    expect(mid.phase).toBe('running');
    expect(mid.items.map((i) => i.phase), JSON.stringify(mid)).toEqual(['collecting', 'done']);
    const t0 = Date.now();
    const s = await engine.cancelCapture({ jobId });
    // At once, not after the 20 s (most of them still to come): the bound leaves a loaded
    // machine a few seconds to answer at all.
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(s.phase).toBe('cancelled');
    expect(s.items.map((i) => i.phase)).toEqual(['cancelled', 'done']);
    expect(engine.library.count()).toBe(before);
    expect(engine.library.list({ text: 'cancelled run' })).toEqual([]);
    const [h] = await engine.captureHistory({ limit: 1 });
    expect(h.status).toBe('cancelled');
    // The Go program stops its CPU profiler when it sees the connection close: then the next capture works.
    await expect.poll(() => profiling(plain.url), { timeout: 20_000 }).toBe(false);
    const next = await waitJob((await engine.startCapture({ url: plain.url, kinds: [{ kind: 'cpu', seconds: 1 }] })).jobId);
    expect(next.phase, next.error).toBe('done');
  });

  it('a server that accepts but never answers is given up on after seconds + timeout', async () => {
    // A real listening socket that never writes a byte (a hung service).
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      const t = { ...target(1 << 20), baseUrl: `http://127.0.0.1:${port}`, timeoutSeconds: 1 };
      const t0 = Date.now();
      const r = await engine.capture.startJob(t, [{ kind: 'cpu', seconds: 1 }]).done;
      expect(Date.now() - t0).toBeGreaterThan(1900);
      expect(Date.now() - t0).toBeLessThan(15_000); // gives up at 2 s (later on a loaded machine), does not hang
      expect(r.failures[0].message).toBe(
        `http://127.0.0.1:${port}/debug/pprof/profile?seconds=1: no answer within 2 s (1 s of capture plus the target's timeout of 1 s); the service may be overloaded, or raise the target's timeout`,
      );
    } finally {
      silent.close();
    }
  });
});
