// SSH against real OpenSSH servers on 127.0.0.1 (started here with throwaway host and user
// keys, a non-root user, and a second sshd as ProxyJump host): host-key consent and refusal,
// agent / encrypted key / password authentication, the process list, perf preflight and a perf
// recording of a Go service, cancellation (nothing left running remotely), a remote run with
// gctrace, and a pprof endpoint on the remote loopback fetched through the SSH forward.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Engine } from '../../src-main/engine';
import { httpGet } from '../../src-main/collect/http-get';
import type { SshJobStatus } from '../../src-main/api/ssh-types';
import { repoPath, tempDir, REPO } from '../helpers/paths';
import { run } from '../helpers/run';
import { buildSshTarget, ensureTestUser, testUserIds, makeKeyPair, sshdUnavailable, sshRun, startSshd, startSshTargetService, TEST_PASSWORD, type KeyPair, type Sshd } from '../helpers/sshd';

const skip = sshdUnavailable();

describe.skipIf(skip !== null)('SSH against real sshd on 127.0.0.1', () => {
  let tmp: ReturnType<typeof tempDir>;
  let home: string;
  let sshDir: string;
  let userKey: KeyPair;
  let lockedKey: KeyPair;
  let target: Sshd;
  let jump: Sshd;
  let engine: Engine;
  let go: ReturnType<typeof buildSshTarget>;
  let service: ChildProcess;
  let servicePid: number;
  /** A perf recording of this file's Go service (or the timeout around it) in `ps -o args=`. */
  const perfOnService = (): RegExp => new RegExp(`^(perf|timeout) .*--pid=${servicePid}\\b`, 'm');
  let serviceUrl: URL;
  let user: string;
  const savedHome = process.env.HOME;
  const savedAgent = process.env.SSH_AUTH_SOCK;

  const waitJob = async (jobId: string, until: (s: SshJobStatus) => boolean, ms = 45_000): Promise<SshJobStatus> => {
    const end = Date.now() + ms;
    for (;;) {
      const s = await engine.sshJobStatus({ jobId });
      if (until(s) || Date.now() > end) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const writeConfig = (extra = ''): void =>
    writeFileSync(
      join(sshDir, 'config'),
      [
        'Host target',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  User ${user}`,
        `  IdentityFile ${userKey.privatePath}`,
        'Host viajump',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  User ${user}`,
        '  ProxyJump jumphost',
        'Host jumphost',
        '  HostName 127.0.0.1',
        `  Port ${jump.port}`,
        `  User ${user}`,
        'Host *',
        `  IdentityFile ${userKey.privatePath}`,
        extra,
        '',
      ].join('\n'),
    );

  beforeAll(async () => {
    user = ensureTestUser();
    tmp = tempDir('gpw-ssh-');
    home = join(tmp.dir, 'home');
    sshDir = join(home, '.ssh');
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    userKey = makeKeyPair(tmp.dir, 'user_ed25519');
    lockedKey = makeKeyPair(tmp.dir, 'locked_ed25519', 'correct horse');
    [target, jump] = await Promise.all([
      startSshd({ user, authorizedKeys: [userKey.publicLine, lockedKey.publicLine], password: true }),
      startSshd({ user, authorizedKeys: [userKey.publicLine] }),
    ]);
    writeConfig();
    go = buildSshTarget(REPO);
    // The Go service runs as the test user, its pprof endpoint on the loopback only.
    ({ child: service, url: serviceUrl } = await startSshTargetService(go.bin));
    servicePid = service.pid!;
    engine = new Engine({ libraryPath: join(tmp.dir, 'library.sqlite'), workerPath: repoPath('out/main/profile-worker.js'), runSchedules: true });
    // Two sshd, a Go build and a service start: seconds when quiet, minutes on a loaded machine.
  }, 600_000);

  afterAll(async () => {
    await engine?.close();
    service?.kill('SIGKILL');
    await Promise.all([target?.stop(), jump?.stop()]);
    process.env.HOME = savedHome;
    if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent;
    tmp?.cleanup();
  });

  it('an unknown host key is shown with its fingerprint and needs consent; accepted, it is recorded and not asked again', async () => {
    const first = await engine.sshConnect({ host: 'target' });
    expect(first).toEqual({ status: 'host_key_unknown', host: `[127.0.0.1]:${target.port}`, keyType: 'ssh-ed25519', fingerprint: target.hostKey.fingerprint, otherTypesKnown: [] });
    // A wrong fingerprint is no consent.
    const wrong = await engine.sshConnect({ host: 'target', acceptHostKey: jump.hostKey.fingerprint });
    expect(wrong.status).toBe('host_key_unknown');
    expect(await engine.sshConnect({ host: 'target', acceptHostKey: target.hostKey.fingerprint })).toEqual({ status: 'connected', host: 'target' });
    // gpw's own known_hosts, hashed: OpenSSH's ssh-keygen -F finds the entry.
    const known = join(tmp.dir, 'known_hosts');
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${target.port}`, '-f', known], { encoding: 'utf8' });
    expect(found).toContain(target.hostKey.publicLine.split(' ')[1]);
    expect(readFileSync(known, 'utf8')).not.toContain('127.0.0.1');
    engine.sshDisconnect({ host: 'target' });
    expect(await engine.sshConnect({ host: 'target' })).toEqual({ status: 'connected', host: 'target' });
    // The user's ~/.ssh was not written.
    expect(existsSync(join(sshDir, 'known_hosts'))).toBe(false);
  });

  it('a changed host key is refused with a warning, even when the caller offers to accept it', async () => {
    const other = makeKeyPair(tmp.dir, 'other_host_key');
    // The user's known_hosts says [127.0.0.1]:port has another ed25519 key.
    // The user's known_hosts says the jump host [127.0.0.1]:port has another ed25519 key.
    writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${jump.port} ${other.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    const recorded = readFileSync(join(tmp.dir, 'known_hosts'), 'utf8');
    try {
      await expect(engine.sshConnect({ host: 'jumphost' })).rejects.toThrow(/WARNING: the ssh-ed25519 host key of jumphost .* has CHANGED: it is now SHA256:/);
      await expect(engine.sshConnect({ host: 'jumphost', acceptHostKey: jump.hostKey.fingerprint })).rejects.toThrow(/CHANGED/);
      // Going through it as a jump host is refused too.
      await expect(engine.sshConnect({ host: 'viajump' })).rejects.toThrow(/CHANGED/);
    } finally {
      writeFileSync(join(sshDir, 'known_hosts'), '');
    }
    // Nothing was recorded for the refused key.
    expect(readFileSync(join(tmp.dir, 'known_hosts'), 'utf8')).toBe(recorded);
  });

  it('ProxyJump: each host key is consented in turn, and the target is reached through the jump host', async () => {
    const a = await engine.sshConnect({ host: 'viajump' });
    expect(a).toMatchObject({ status: 'host_key_unknown', host: `[127.0.0.1]:${jump.port}`, fingerprint: jump.hostKey.fingerprint });
    // The target's key is already known (previous test): accepting the jump's is enough.
    expect(await engine.sshConnect({ host: 'viajump', acceptHostKey: jump.hostKey.fingerprint })).toEqual({ status: 'connected', host: 'viajump' });
    const ps = await engine.sshProcesses({ host: 'viajump' });
    expect(ps.length).toBeGreaterThan(0);
    // The jump sshd opened the forwarded connection to the target's port.
    expect(jump.log()).toMatch(/ctype direct-tcpip/);
    engine.sshDisconnect({ host: 'viajump' });
  });

  it('an encrypted key asks for its passphrase (a wrong one is refused); a password is asked when keys fail', async () => {
    writeFileSync(join(sshDir, 'config'), ['Host locked', '  HostName 127.0.0.1', `  Port ${target.port}`, `  User ${user}`, '  IdentitiesOnly yes', `  IdentityFile ${lockedKey.privatePath}`, ''].join('\n'));
    try {
      expect(await engine.sshConnect({ host: 'locked' })).toEqual({ status: 'needs_passphrase', host: 'locked', keyFile: 'locked_ed25519' });
      await expect(engine.sshConnect({ host: 'locked', passphrase: 'wrong' })).rejects.toThrow(/passphrase for locked_ed25519 is wrong/);
      expect(await engine.sshConnect({ host: 'locked', passphrase: 'correct horse' })).toEqual({ status: 'connected', host: 'locked' });
      engine.sshDisconnect({ host: 'locked' });
      // No usable key: the server offers password authentication.
      const dest = `${user}@127.0.0.1:${target.port}`;
      writeFileSync(join(sshDir, 'config'), 'Host *\n  IdentitiesOnly yes\n');
      expect(await engine.sshConnect({ host: dest })).toEqual({ status: 'needs_password', host: dest });
      await expect(engine.sshConnect({ host: dest, password: 'nope' })).rejects.toThrow(/authentication as gpwssh failed/);
      expect(await engine.sshConnect({ host: dest, password: TEST_PASSWORD })).toEqual({ status: 'connected', host: dest });
      engine.sshDisconnect({ host: dest });
    } finally {
      writeConfig();
    }
  });

  it('lists processes with pid, user, CPU and RSS, and marks Go binaries (with their Go version)', async () => {
    await engine.sshConnect({ host: 'target' });
    const sleeper = spawn('/usr/bin/sleep', ['30'], { ...testUserIds(), stdio: 'ignore' });
    onTestFinished(() => void sleeper.kill());
    const ps = await engine.sshProcesses({ host: 'target' });
    const svc = ps.find((p) => p.pid === servicePid);
    expect(svc).toMatchObject({ user, isGo: true, goVersion: go.goVersion, hasSymbols: true, exe: go.bin });
    expect(svc!.rssKiB).toBeGreaterThan(1000);
    expect(svc!.command).toContain('-addr 127.0.0.1:0');
    // A C program of the same user is not Go.
    expect(ps.find((p) => p.pid === sleeper.pid)).toMatchObject({ user, exe: '/usr/bin/sleep', isGo: false, goVersion: null });
    // Another user's processes cannot be read: unknown, not "not Go".
    expect(ps.some((p) => p.user === 'root' && p.isGo === null)).toBe(true);
  });

  it('perf preflight reports perf, paranoid, kptr_restrict and the target binary, with advice', async () => {
    const pre = await engine.sshPerfPreflight({ host: 'target', pid: servicePid });
    expect(pre.perfVersion).toMatch(/^perf version/);
    expect(pre.paranoid).toBe(Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8')));
    expect(pre.target).toMatchObject({ pid: servicePid, isGo: true, hasSymbols: true });
    expect(pre.canRecord).toBe(pre.paranoid! <= 2);
    const sys = await engine.sshPerfPreflight({ host: 'target', systemWide: true });
    if (sys.paranoid! > 0) expect(sys.checks.find((c) => c.level === 'block')?.advice).toMatch(/perf_event_paranoid=0/);
    const rootPid = await engine.sshPerfPreflight({ host: 'target', pid: 1 });
    expect(rootPid.canRecord).toBe(false);
    expect(rootPid.checks.some((c) => /belongs to uid 0/.test(c.what))).toBe(true);
    // A stripped Go binary: perf would show addresses.
    const stripped = spawn(go.stripped, ['-seconds', '20'], { ...testUserIds(), stdio: 'ignore' });
    try {
      const pid = stripped.pid!;
      // The child is forked at once and runs the Go binary a moment later (much later on a loaded
      // machine): until then /proc/PID/exe is node's. Wait for the exec, bounded.
      const exe = realpathSync(go.stripped);
      const exeOf = (): string => { try { return readlinkSync(`/proc/${pid}/exe`); } catch { return ''; } };
      for (let i = 0; i < 300 && exeOf() !== exe; i++) await new Promise((r) => setTimeout(r, 50));
      expect(exeOf()).toBe(exe);
      const s = await engine.sshPerfPreflight({ host: 'target', pid });
      expect(s.target).toMatchObject({ isGo: true, hasSymbols: false });
      expect(s.checks.find((c) => /stripped/.test(c.what))?.advice).toMatch(/-ldflags/);
    } finally {
      stripped.kill('SIGKILL');
    }
  });

  it('records perf on the Go service through SSH and imports it as a perf profile with Go frames', async () => {
    // The kernel's CPU accounting of the service (clock ticks) around the recording bounds the sample count.
    const cpuTicks = (): number => readFileSync(`/proc/${servicePid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
    const ticks0 = cpuTicks();
    const job = await engine.sshPerfStart({ host: 'target', pid: servicePid, seconds: 3 });
    const done = await waitJob(job.jobId, (s) => s.finishedAt !== null);
    expect(done.error).toBeUndefined();
    expect(done.phase).toBe('done');
    const [artifact] = done.artifacts;
    expect(artifact).toMatchObject({ kind: 'perf', labels: { host: 'target', pid: String(servicePid), exe: go.bin } });
    // The stored text is perf script output of this pid, ~99 Hz for 3 s on a busy process.
    const text = Buffer.from(engine.library.blobs.get(artifact.sha256)!).toString('utf8');
    const headers = text.split('\n').filter((l) => /^\S.*\s\d+\/\d+\s/.test(l));
    // 99 samples per second of CPU the service got (a loaded machine gives it less than 3 s).
    const cpuSeconds = (cpuTicks() - ticks0) / 100;
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.length).toBeLessThanOrEqual(Math.ceil(cpuSeconds * 99 * 1.1) + 5);
    expect(headers.every((l) => l.includes(` ${servicePid}/`))).toBe(true);
    // Every sample perf wrote is in the profile: the count sample type adds up to the records.
    const meta = await engine.profileMeta({ id: artifact.id });
    const countType = meta.sampleTypes.find((t) => t.unit === 'count')!;
    const counted = await engine.flameGraph({ id: artifact.id, sampleType: countType.type });
    expect(counted.totalValue).toBe(headers.length);
    const flame = await engine.flameGraph({ id: artifact.id });
    // Go frames by name, in stacks (frame-pointer unwinding skips the caller of a frameless leaf, so depth, not hashLoop).
    const burn = flame.names.indexOf('main.burnCPU');
    expect(burn).toBeGreaterThan(0);
    expect(Math.max(...[...flame.depth].filter((_, i) => flame.nameIndex[i] === burn))).toBeGreaterThanOrEqual(2);
    // Nothing left on the host.
    expect(sshRun(target, userKey, user, 'ps -u gpwssh -o args=')).not.toMatch(perfOnService());
    expect(sshRun(target, userKey, user, `ls -d ${target.tmpDir}/gpw-perf.* 2>/dev/null; true`)).toBe('');
  }, 60_000);

  it('cancelling a recording stops perf on the host and removes its temp folder (checked with ps over SSH)', async () => {
    const job = await engine.sshPerfStart({ host: 'target', pid: servicePid, seconds: 60 });
    const rec = await waitJob(job.jobId, (s) => s.phase === 'recording' || s.finishedAt !== null);
    expect(rec.phase).toBe('recording');
    await expect.poll(() => sshRun(target, userKey, user, 'ps -u gpwssh -o args='), { timeout: 15_000 }).toMatch(perfOnService());
    // Its temp folder is in the session's TMPDIR (this sshd's own, see tests/helpers/sshd.ts).
    expect(sshRun(target, userKey, user, `ls -d ${target.tmpDir}/gpw-perf.* 2>/dev/null; true`)).toMatch(/gpw-perf\.\w+/);
    const t0 = Date.now();
    const cancelled = await engine.sshCancelJob({ jobId: job.jobId });
    expect(cancelled.phase).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(sshRun(target, userKey, user, 'ps -u gpwssh -o args=')).not.toMatch(perfOnService()); // neither perf nor the timeout around it
    expect(sshRun(target, userKey, user, `ls -d ${target.tmpDir}/gpw-perf.* 2>/dev/null; true`)).toBe('');
    expect(await engine.listArtifacts({ kind: 'perf' })).toHaveLength(1);
  }, 60_000);

  it('a pprof endpoint listening only on the remote loopback is fetched through the SSH forward (httpGet and startCapture with via)', async () => {
    const hook = engine.ssh.connectHook('target');
    const opened: string[] = [];
    const url = new URL(`${serviceUrl.origin}/debug/pprof/heap`);
    const r = await httpGet(url, { waitMs: 0, timeoutMs: 10_000, maxBytes: 64 << 20, connect: (t) => (opened.push(`${t.host}:${t.port}`), hook(t)) });
    expect(r.status).toBe(200);
    expect(gunzipSync(r.body).length).toBeGreaterThan(0);
    expect(opened).toEqual([serviceUrl.host]);
    // sshd opened the channel (its session process logs it when it gets to it).
    for (let i = 0; i < 50 && !/ctype direct-tcpip/.test(target.log()); i++) await new Promise((res) => setTimeout(res, 100));
    expect(target.log()).toMatch(/ctype direct-tcpip/);
    // The contract's capture with via: the capture job of the endpoint section, through the forward.
    const channels = (): number => (target.log().match(/ctype direct-tcpip/g) ?? []).length;
    const before = channels();
    const { jobId } = await engine.startCapture({ url: serviceUrl.origin, via: 'target', kinds: [{ kind: 'heap' }, { kind: 'cpu', seconds: 1 }] });
    let status = await engine.captureStatus({ jobId });
    for (let i = 0; i < 150 && status.phase === 'running'; i++) status = (await new Promise((res) => setTimeout(res, 100)), await engine.captureStatus({ jobId }));
    expect(status.phase).toBe('done');
    expect(status.via).toBe('target');
    expect(status.result!.artifacts.map((a) => a.subtype).sort()).toEqual(['cpu', 'heap']);
    expect((await engine.captureHistory({ limit: 1 }))[0]).toMatchObject({ via: 'target', status: 'done', baseUrl: serviceUrl.origin });
    for (let i = 0; i < 50 && channels() < before + 2; i++) await new Promise((res) => setTimeout(res, 100));
    expect(channels()).toBeGreaterThanOrEqual(before + 2);
  });

  it('a schedule through the SSH host captures the remote loopback endpoint each tick; through a host not connected, its ticks fail saying so', async () => {
    const svc = await engine.saveTarget({ name: 'remote-svc', baseUrl: serviceUrl.origin });
    await expect(engine.saveSchedule({ targetId: svc.id, kinds: [{ kind: 'heap' }], everySeconds: 5, via: 'nosuch' })).rejects.toThrow(/no SSH host nosuch/);
    const through = await engine.saveSchedule({ targetId: svc.id, kinds: [{ kind: 'heap' }, { kind: 'goroutine' }], everySeconds: 5, via: 'target' });
    const offline = await engine.saveSchedule({ targetId: svc.id, kinds: [{ kind: 'heap' }], everySeconds: 5, via: 'jumphost' });
    expect((await engine.listSchedules({})).map((s) => s.via).sort()).toEqual(['jumphost', 'target']);
    const entries = (scheduleId: string) => engine.captureHistory({ scheduleId });
    try {
      // A schedule takes its first capture at once.
      await expect.poll(async () => (await entries(through.id)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      await expect.poll(async () => (await entries(offline.id)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    } finally {
      await engine.deleteSchedule({ id: through.id });
      await engine.deleteSchedule({ id: offline.id });
    }
    const [ok] = await entries(through.id);
    expect(ok).toMatchObject({ status: 'done', via: 'target', baseUrl: serviceUrl.origin });
    const stored = engine.library.list({ label: 'via=target' }).filter((a) => ok.artifacts.some((r) => r.id === a.id));
    expect(stored.map((a) => a.subtype).sort()).toEqual(['goroutine', 'heap']);
    const [failed] = await entries(offline.id);
    expect(failed).toMatchObject({ status: 'failed', via: 'jumphost', artifacts: [] });
    expect(failed.failures[0].message).toMatch(/not connected to jumphost/);
  });

  it('runs a Go program remotely with GODEBUG=gctrace=1, GOGC and GOMEMLIMIT and imports its gctrace log', async () => {
    const job = await engine.sshGcRunStart({ host: 'target', argv: [go.bin, '-seconds', '30'], gogc: '50', gomemlimit: '64MiB', seconds: 2 });
    const done = await waitJob(job.jobId, (s) => s.finishedAt !== null);
    expect(done.error).toBeUndefined();
    const [artifact] = done.artifacts;
    expect(artifact).toMatchObject({ kind: 'gclog', labels: { host: 'target', gogc: '50', gomemlimit: '64MiB', godebug: 'gctrace=1' } });
    const log = Buffer.from(engine.library.blobs.get(artifact.sha256)!).toString('utf8');
    expect(log).toMatch(/^gc 1 @[\d.]+s \d+%:/m);
    // GOGC=50 reached the program: its pacer goal is about 1.5× the live heap, not 2×.
    expect(sshRun(target, userKey, user, 'pgrep -u gpwssh -f "[s]shtarget -seconds" ; true').trim()).toBe('');
  }, 60_000);

  it('gpw ssh HOST --perf --pid PID --seconds N --json (the CLI): asks for the unknown host key, then records and imports', async () => {
    const library = join(tmp.dir, 'cli', 'library.sqlite');
    const env = { GPW_LIBRARY: library, HOME: home, SSH_AUTH_SOCK: '' };
    const cli = (...args: string[]) => run(process.execPath, [repoPath('bin/gpw.js'), ...args], env, 60_000);
    // No terminal to ask on: the fingerprint and how to accept it.
    const refused = await cli('ssh', 'target', '--perf', '--pid', String(servicePid), '--seconds', '2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`ssh-ed25519 key fingerprint is ${target.hostKey.fingerprint}`);
    expect(refused.stderr).toContain(`--accept-host-key ${target.hostKey.fingerprint}`);
    const bad = await cli('ssh', 'target', '--perf', '--pid', 'x', '--seconds', '2', '--accept-host-key', target.hostKey.fingerprint);
    expect(bad.code).toBe(2);
    const r = await cli('ssh', 'target', '--perf', '--pid', String(servicePid), '--seconds', '2', '--json', '--accept-host-key', target.hostKey.fingerprint, '--label', 'svc=sshtarget');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout) as SshJobStatus;
    expect(job.phase).toBe('done');
    expect(job.artifacts[0]).toMatchObject({ kind: 'perf', labels: { host: 'target', pid: String(servicePid), svc: 'sshtarget' } });
    // The consent was recorded: the next command does not ask.
    const ps = await cli('ssh', 'target', '--processes', '--go', '--json');
    expect(ps.code).toBe(0);
    expect((JSON.parse(ps.stdout) as { processes: { pid: number }[] }).processes.map((p) => p.pid)).toContain(servicePid);
    const listed = await cli('list', '--kind', 'perf', '--json');
    expect((JSON.parse(listed.stdout) as { artifacts: unknown[] }).artifacts).toHaveLength(1);
  }, 60_000);

  it('gpw capture URL --via HOST fetches a pprof endpoint on the remote loopback through the forward', async () => {
    const library = join(tmp.dir, 'cli', 'library.sqlite');
    const before = (target.log().match(/ctype direct-tcpip/g) ?? []).length;
    const r = await run(process.execPath, [repoPath('bin/gpw.js'), 'capture', serviceUrl.origin, '--kind', 'heap', '--via', 'target', '--json'], { GPW_LIBRARY: library, HOME: home, SSH_AUTH_SOCK: '' }, 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (let i = 0; i < 50 && (target.log().match(/ctype direct-tcpip/g) ?? []).length === before; i++) await new Promise((res) => setTimeout(res, 100));
    expect((target.log().match(/ctype direct-tcpip/g) ?? []).length).toBeGreaterThan(before);
  }, 60_000);

  it('a remote argument is one word, never shell code', async () => {
    const marker = join('/tmp', `gpw-injected-${process.pid}`);
    const job = await engine.sshGcRunStart({ host: 'target', argv: [`/bin/echo; touch ${marker}`], seconds: 2 });
    const done = await waitJob(job.jobId, (s) => s.finishedAt !== null);
    expect(done.phase).toBe('failed');
    expect(done.error).toMatch(/command not found/);
    expect(existsSync(marker)).toBe(false);
  });
});

it.runIf(skip !== null)('SSH integration tests skipped', () => {
  console.warn(`SSH integration tests skipped: ${skip}`);
});
