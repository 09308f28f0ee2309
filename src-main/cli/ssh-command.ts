// gpw ssh: hosts, and work on a host over SSH: its processes, a perf preflight, a perf
// recording, a run with GODEBUG=gctrace=1. Host-key consent and secrets are asked on the
// terminal (or given by --accept-host-key / --passphrase-stdin / --password-stdin); progress
// goes to stderr; Ctrl-C cancels a remote job and waits until the host is cleaned up.

import { GpwError } from '../api/errors.js';
import type { SshConnectResult, SshJobStatus, SshPerfOptions } from '../api/ssh-types.js';
import type { ConnectSecrets } from '../collect/ssh/ssh-connect.js';
import type { Engine } from '../engine.js';
import { ARTIFACT_FLAGS, flag, integerFlag, labelFlags, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const SSH_USAGE = `  gpw ssh [--json]                                   hosts from ~/.ssh/config and added ones
  gpw ssh --add NAME --host-name H [--user U] [--port P] [--proxy-jump J,…]   |  gpw ssh --remove NAME
  gpw ssh HOST [--processes [--go]] [--preflight [--pid PID|--system-wide]] [--json]
  gpw ssh HOST --perf (--pid PID|--system-wide) --seconds N [--frequency 99] [--event cpu-clock]
          [--call-graph fp|dwarf|lbr] [--run NAME] [--label k=v]... [--json]
  gpw ssh HOST --gc-run --seconds N [--gogc N|off] [--gomemlimit SIZE] [--godebug gctrace=1] -- PROGRAM [ARG]...
          HOST: a ~/.ssh/config alias, an added host, or [user@]host[:port];
          --accept-host-key SHA256:… (non-interactive consent), --passphrase-stdin, --password-stdin`;

/** Flags every command that connects to a host takes (gpw ssh, gpw capture --via). */
export const SSH_CONNECT_FLAGS: Record<string, FlagSpec> = { ...valueFlags('accept-host-key'), ...switchFlags('passphrase-stdin', 'password-stdin') };

export const SSH_FLAGS: Record<string, FlagSpec> = {
  ...SSH_CONNECT_FLAGS,
  ...ARTIFACT_FLAGS,
  // hosts
  ...valueFlags('add', 'remove', 'host-name', 'user', 'port', 'proxy-jump'),
  // what to do
  ...switchFlags('processes', 'go', 'preflight', 'perf', 'gc-run', 'system-wide'),
  // perf and gc-run options
  ...valueFlags('pid', 'seconds', 'frequency', 'event', 'call-graph', 'gogc', 'gomemlimit', 'godebug'),
};

const err = (text: string): void => void process.stderr.write(text.endsWith('\n') ? text : text + '\n');

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10) || Buffer.concat(chunks).length > 4096) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** Asks on the terminal; `hidden` does not echo what is typed. */
async function ask(question: string, hidden: boolean): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new GpwError('invalid_argument', `${question.trim()} (no terminal to ask on)`);
  process.stderr.write(question);
  stdin.setRawMode?.(hidden);
  stdin.resume();
  return new Promise((resolve) => {
    let text = '';
    const onData = (b: Buffer): void => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode?.(false);
          stdin.pause();
          if (hidden) process.stderr.write('\n');
          return resolve(text);
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Connects, asking for consent, a passphrase or a password as the host requires. */
export async function connectFromCli(engine: Engine, host: string, args: ParsedArgs): Promise<void> {
  const secrets: ConnectSecrets = { acceptHostKey: flag(args, 'accept-host-key') };
  if (args.flags.has('passphrase-stdin')) secrets.passphrase = await readStdinLine();
  else if (args.flags.has('password-stdin')) secrets.password = await readStdinLine();
  for (let round = 0; round < 6; round++) {
    const r: SshConnectResult = await engine.ssh.connect(host, secrets);
    switch (r.status) {
      case 'connected':
        return;
      case 'host_key_unknown': {
        const note = r.otherTypesKnown.length ? ` (keys of type ${r.otherTypesKnown.join(', ')} are known for it)` : '';
        const what = `the authenticity of host ${r.host} can't be established${note}.\n${r.keyType} key fingerprint is ${r.fingerprint}.`;
        if (secrets.acceptHostKey) throw new GpwError('unavailable', `${what}\n--accept-host-key ${secrets.acceptHostKey} does not match it`);
        if (!process.stdin.isTTY) throw new GpwError('unavailable', `${what}\nIf you trust it, run again with --accept-host-key ${r.fingerprint}`);
        const answer = await ask(`gpw: ${what}\nAre you sure you want to continue connecting (yes/no)? `, false);
        if (answer.trim().toLowerCase() !== 'yes') throw new GpwError('unavailable', 'host key not accepted');
        secrets.acceptHostKey = r.fingerprint;
        break;
      }
      case 'needs_passphrase':
        if (secrets.passphrase !== undefined) throw new GpwError('unavailable', `the key ${r.keyFile} was not accepted`);
        secrets.passphrase = await ask(`Enter passphrase for key ${r.keyFile}: `, true);
        break;
      case 'needs_password':
        if (secrets.password !== undefined) throw new GpwError('unavailable', `password authentication to ${r.host} failed`);
        secrets.password = await ask(`${r.host}'s password: `, true);
        break;
    }
  }
  throw new GpwError('unavailable', `could not connect to ${host}`);
}

function progressLine(s: SshJobStatus): string {
  const kib = s.bytes ? ` ${(s.bytes / 1024).toFixed(0)} KiB` : '';
  return `gpw: ${s.host} ${s.kind} ${s.phase} ${Math.round(s.fraction * 100)}%${kib}`;
}

/** Polls a job to its end, printing progress on stderr; Ctrl-C cancels it. */
async function followJob(engine: Engine, job: SshJobStatus): Promise<SshJobStatus> {
  let cancelling: Promise<SshJobStatus> | null = null;
  const onSignal = (): void => {
    if (!cancelling) {
      err('gpw: cancelling (stopping the remote side)…');
      cancelling = engine.ssh.cancelJob(job.jobId);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let last = '';
  try {
    for (;;) {
      const s = engine.ssh.jobStatus(job.jobId);
      const line = progressLine(s);
      if (line !== last && process.stderr.isTTY) err(line);
      last = line;
      if (s.finishedAt !== null) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function perfOptions(args: ParsedArgs): SshPerfOptions {
  const pid = flag(args, 'pid');
  const o: SshPerfOptions = { seconds: integerFlag(args, 'seconds', 0) };
  if (!flag(args, 'seconds')) throw new GpwError('invalid_argument', 'gpw ssh --perf needs --seconds N');
  if (pid !== undefined) o.pid = integerFlag(args, 'pid', 0);
  if (args.flags.has('system-wide')) o.systemWide = true;
  if (flag(args, 'frequency') !== undefined) o.frequency = integerFlag(args, 'frequency', 99);
  if (flag(args, 'event') !== undefined) o.event = flag(args, 'event') as SshPerfOptions['event'];
  if (flag(args, 'call-graph') !== undefined) o.callGraph = flag(args, 'call-graph') as SshPerfOptions['callGraph'];
  return o;
}

/** Runs gpw ssh; returns the exit status. */
export async function sshCommand(engine: Engine, args: ParsedArgs, json: boolean, out: (text: string) => void): Promise<number> {
  const add = flag(args, 'add');
  const remove = flag(args, 'remove');
  if (add !== undefined) {
    const hostName = flag(args, 'host-name');
    if (!hostName) throw new GpwError('invalid_argument', 'gpw ssh --add NAME needs --host-name');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(add)) throw new GpwError('invalid_argument', 'a host name in gpw may hold only letters, digits and _ . -');
    const port = flag(args, 'port') !== undefined ? integerFlag(args, 'port', 22) : undefined;
    const proxyJump = flag(args, 'proxy-jump')?.split(',').filter(Boolean);
    const h = engine.ssh.addHost({ name: add, hostName, user: flag(args, 'user'), port, proxyJump });
    out(json ? JSON.stringify(h) : `added ${h.name}: ${h.user ?? ''}${h.user ? '@' : ''}${h.hostName}:${h.port}`);
    return 0;
  }
  if (remove !== undefined) {
    const r = engine.ssh.removeHost(remove);
    out(json ? JSON.stringify(r) : r.removed ? `removed ${remove}` : `no added host ${remove}`);
    return r.removed ? 0 : 1;
  }
  const host = args.positional[0];
  if (!host) {
    const hosts = engine.ssh.listHosts();
    if (json) out(JSON.stringify({ hosts }));
    else if (hosts.length === 0) out('no SSH hosts: add Host entries to ~/.ssh/config, or gpw ssh --add NAME --host-name H');
    else for (const h of hosts) out(`${h.name.padEnd(20)} ${h.user ?? ''}${h.user ? '@' : ''}${h.hostName}:${h.port}${h.proxyJump.length ? ` via ${h.proxyJump.join(',')}` : ''}  (${h.source})`);
    return 0;
  }
  const modes = ['processes', 'preflight', 'perf', 'gc-run'].filter((m) => args.flags.has(m));
  if (modes.length > 1) throw new GpwError('invalid_argument', `--${modes.join(' and --')} cannot be combined`);
  const mode = modes[0];
  // After --gc-run, positional words past HOST are the program and its arguments.
  const argv = args.positional.slice(1);
  if (mode !== 'gc-run' && argv.length > 0) throw new GpwError('invalid_argument', `gpw ssh takes one HOST, not "${argv.join(' ')}"`);

  await connectFromCli(engine, host, args);
  if (!mode) {
    out(json ? JSON.stringify({ host, status: 'connected' }) : `connected to ${host}`);
    return 0;
  }
  if (mode === 'processes') {
    let ps = await engine.ssh.processes(host);
    if (args.flags.has('go')) ps = ps.filter((p) => p.isGo);
    if (json) out(JSON.stringify({ processes: ps }));
    else {
      out(`${'PID'.padStart(8)} ${'USER'.padEnd(12)} ${'%CPU'.padStart(6)} ${'RSS KiB'.padStart(10)}  GO          COMMAND`);
      for (const p of ps) {
        const go = p.isGo === null ? '?' : p.isGo ? (p.goVersion ?? 'yes') + (p.hasSymbols === false ? ' (stripped)' : '') : '';
        out(`${String(p.pid).padStart(8)} ${p.user.slice(0, 12).padEnd(12)} ${p.cpuPercent.toFixed(1).padStart(6)} ${String(p.rssKiB).padStart(10)}  ${go.padEnd(11)} ${p.command.slice(0, 120)}`);
      }
    }
    return 0;
  }
  if (mode === 'preflight') {
    const pid = flag(args, 'pid') !== undefined ? integerFlag(args, 'pid', 0) : undefined;
    const pre = await engine.ssh.perfPreflight(host, { pid, systemWide: args.flags.has('system-wide') });
    if (json) out(JSON.stringify(pre));
    else for (const c of pre.checks) out(`${c.level.padEnd(5)}  ${c.what}${c.advice ? `\n       → ${c.advice}` : ''}`);
    return pre.canRecord ? 0 : 1;
  }
  const imp = { run: flag(args, 'run'), labels: labelFlags(args) };
  const job =
    mode === 'perf'
      ? engine.ssh.startPerf(host, perfOptions(args), imp)
      : engine.ssh.startGcRun(
          host,
          { argv, seconds: integerFlag(args, 'seconds', 0), gogc: flag(args, 'gogc'), gomemlimit: flag(args, 'gomemlimit'), godebug: flag(args, 'godebug') },
          imp,
        );
  const end = await followJob(engine, job);
  if (json) out(JSON.stringify(end));
  if (end.phase === 'cancelled') throw new GpwError('unavailable', 'cancelled: the remote side was stopped and cleaned up; nothing was written');
  if (end.phase !== 'done') throw new GpwError('unavailable', end.error ?? `${mode} failed`);
  if (!json) for (const a of end.artifacts) out(`imported ${a.id}  ${a.kind}  ${a.subtype ?? ''}  ${a.file ?? ''}  ${a.source}`);
  return 0;
}
