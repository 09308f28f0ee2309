// gpw capture URL|TARGET: one capture run against a /debug/pprof endpoint (several kinds at
// once), or one every --every interval until --count runs or Ctrl-C. Progress on stderr.

import { readFileSync } from 'node:fs';
import { CAPTURE_KINDS, DEFAULT_TIMEOUT_SECONDS, MAX_CAPTURE_REPEAT, type CaptureKind, type CaptureResult, type CaptureSpec } from '../api/collect-types.js';
import { GpwError } from '../api/errors.js';
import type { CaptureJob, CaptureTarget } from '../collect/capture-job.js';
import type { Engine } from '../engine.js';
import { ARTIFACT_FLAGS, flag, integerFlag, labelFlags, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';
import { connectFromCli, SSH_CONNECT_FLAGS } from './ssh-command.js';

export const CAPTURE_USAGE = `  gpw capture URL|TARGET --kind KIND[:SECONDS] [--kind …] [--seconds N] [--gc]
          [--run NAME] [--label k=v]... [--header 'Name: value']... [--ca FILE] [--insecure]
          [--timeout S] [--max-mib N] [--every 30s|5m [--count N]] [--via SSH-HOST] [--repeat N] [--json]
          --repeat N: N CPU profiles (and traces) in a row, for statistics across them (gpw compare)
          KIND: ${CAPTURE_KINDS.join(' ')}
          (goroutines / goroutineleak: ?debug=2 dumps; profile=NAME: a custom pprof.NewProfile profile)`;

export const CAPTURE_FLAGS: Record<string, FlagSpec> = {
  kind: { value: true, repeat: true },
  header: { value: true, repeat: true },
  ...ARTIFACT_FLAGS,
  ...valueFlags('seconds', 'ca', 'timeout', 'max-mib', 'every', 'count', 'repeat'),
  ...switchFlags('gc', 'insecure'),
  // Through an SSH port forward: the URL is as seen from that host (e.g. its 127.0.0.1).
  ...valueFlags('via'),
  ...SSH_CONNECT_FLAGS,
};

/** "cpu", "cpu:10" (seconds), "heap:30" (a delta heap profile over 30 s). */
export function parseKindFlags(kinds: string[], seconds: number | undefined, gc: boolean): CaptureSpec[] {
  if (kinds.length === 0) throw new GpwError('invalid_argument', `gpw capture needs at least one --kind (${CAPTURE_KINDS.join(', ')})`);
  return kinds.map((text) => {
    const named = /^profile=([A-Za-z0-9_.-]{1,64})$/.exec(text);
    if (named) return { kind: 'profile', name: named[1] };
    const m = /^([a-z]+)(?::(\d+))?$/.exec(text);
    const kind = m?.[1] as CaptureKind | undefined;
    if (!m || !kind || !CAPTURE_KINDS.includes(kind)) throw new GpwError('invalid_argument', `--kind ${text}: not one of ${CAPTURE_KINDS.join(', ')} (optionally :SECONDS)`);
    const spec: CaptureSpec = { kind };
    const s = m[2] !== undefined ? Number(m[2]) : kind === 'cpu' || kind === 'trace' ? seconds : undefined;
    if (s !== undefined) {
      if (s < 1 || s > 3600) throw new GpwError('invalid_argument', `--kind ${text}: seconds must be between 1 and 3600`);
      spec.seconds = s;
    }
    if (gc && kind === 'heap') spec.gc = true;
    return spec;
  });
}

/** "30s", "5m", "1h" or plain seconds → seconds (at least 5). */
export function parseEvery(text: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(text);
  if (!m) throw new GpwError('invalid_argument', `--every ${text}: write it as 30s, 5m or 1h`);
  const seconds = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (seconds < 5) throw new GpwError('invalid_argument', '--every must be at least 5s');
  return seconds;
}

function parseHeaders(list: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const colon = h.indexOf(':');
    const name = h.slice(0, colon).trim();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new GpwError('invalid_argument', `--header must be 'Name: value', not "${h.slice(0, 40)}"`);
    const value = h.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new GpwError('invalid_argument', `--header ${name}: the value may not hold line breaks`);
    headers[name] = value;
  }
  return headers;
}

function targetOf(engine: Engine, args: ParsedArgs): CaptureTarget {
  const where = args.positional[0];
  if (!where || args.positional.length > 1) throw new GpwError('invalid_argument', 'gpw capture needs exactly one URL (http://host:port) or saved target name');
  const base = engine.capture.resolveTarget(/^https?:\/\//i.test(where) ? { url: where } : { targetId: where });
  const caFile = flag(args, 'ca');
  let caPem: string | undefined;
  if (caFile) {
    try {
      caPem = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new GpwError('not_found', `--ca ${caFile}: cannot read (${(err as NodeJS.ErrnoException).code})`);
    }
    if (!caPem.includes('-----BEGIN CERTIFICATE-----')) throw new GpwError('invalid_argument', `--ca ${caFile}: not a PEM certificate`);
  }
  const maxMiB = flag(args, 'max-mib');
  return {
    ...base,
    headers: { ...base.headers, ...parseHeaders(args.flags.get('header') ?? []) },
    tls: { ...base.tls, ...(caPem ? { caPem } : {}), ...(args.flags.has('insecure') ? { insecureSkipVerify: true } : {}) },
    timeoutSeconds: integerFlag(args, 'timeout', base.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
    maxBodyBytes: maxMiB !== undefined ? integerFlag(args, 'max-mib', 0) * 2 ** 20 : base.maxBodyBytes,
  };
}

/** Runs the command; returns the exit status (0: everything captured, 1: something failed). */
export async function captureCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<number> {
  const target = targetOf(engine, args);
  const secondsFlag = flag(args, 'seconds');
  const specs = parseKindFlags(args.flags.get('kind') ?? [], secondsFlag !== undefined ? integerFlag(args, 'seconds', 0) : undefined, args.flags.has('gc'));
  if (args.flags.has('repeat')) {
    const repeat = integerFlag(args, 'repeat', 1);
    if (repeat < 1 || repeat > MAX_CAPTURE_REPEAT) throw new GpwError('invalid_argument', `--repeat must be between 1 and ${MAX_CAPTURE_REPEAT}`);
    const timed = specs.filter((s) => s.kind === 'cpu' || s.kind === 'trace');
    if (timed.length === 0) throw new GpwError('invalid_argument', '--repeat repeats CPU profiles and traces: add --kind cpu (or trace)');
    for (const s of timed) s.repeat = repeat;
  }
  const labels = labelFlags(args);
  const every = flag(args, 'every');
  const everySeconds = every !== undefined ? parseEvery(every) : null;
  const count = flag(args, 'count') !== undefined ? integerFlag(args, 'count', 1) : everySeconds === null ? 1 : Infinity;

  const via = flag(args, 'via');
  if (via !== undefined) await connectFromCli(engine, via, args);
  const through = via !== undefined ? { host: via, connect: engine.ssh.connectHook(via) } : undefined;
  // As the contract's startCapture: what came through a host is labelled with it.
  const jobLabels = via !== undefined ? { via, ...labels } : labels;

  let current: CaptureJob | null = null;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    current?.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let failed = false;
  try {
    for (let n = 0; n < count && !interrupted; n++) {
      const started = Date.now();
      current = engine.capture.startJob(target, specs, { run: flag(args, 'run'), labels: jobLabels, stampRun: everySeconds !== null, via: through });
      const result = await followJob(current);
      if (interrupted) throw new GpwError('unavailable', 'cancelled: nothing was written');
      failed ||= result.failures.length > 0;
      printResult(result, json);
      if (n + 1 < count && everySeconds !== null) await sleepUnless(started + everySeconds * 1000 - Date.now(), () => interrupted);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return failed ? 1 : 0;
}

async function followJob(job: CaptureJob): Promise<CaptureResult> {
  const tty = process.stderr.isTTY === true;
  const timer = tty
    ? setInterval(() => {
        const s = job.status();
        const parts = s.items.map((it) => `${it.kind} ${it.phase}`).join(', ');
        process.stderr.write(`\r\x1b[Kcapturing ${Math.round(s.fraction * 100)}%  ${(s.bytes / 1024).toFixed(0)} KiB  (${parts})`);
      }, 250)
    : null;
  try {
    return await job.done;
  } finally {
    if (timer) {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    }
  }
}

function printResult(result: CaptureResult, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ run: result.run, artifacts: result.artifacts.map(({ id, kind, subtype, source }) => ({ id, kind, subtype, source })), failures: result.failures, ...(result.cmdline ? { cmdline: result.cmdline } : {}) }) + '\n');
  } else {
    process.stdout.write(`run ${result.run}\n`);
    for (const a of result.artifacts) process.stdout.write(`captured ${a.id}  ${(a.subtype ?? a.kind).padEnd(12)}  ${a.source}\n`);
    if (result.cmdline) process.stdout.write(`cmdline  ${result.cmdline.join(' ')}\n`);
  }
  for (const f of result.failures) process.stderr.write(`gpw: ${f.kind}: ${f.message}\n`);
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const end = Date.now() + Math.max(0, ms);
    const tick = (): void => {
      if (stop() || Date.now() >= end) return resolve();
      setTimeout(tick, Math.min(200, end - Date.now()));
    };
    tick();
  });
}
