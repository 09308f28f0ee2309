// A real OpenSSH server for the SSH tests: started as a child process on 127.0.0.1 with a random
// port, its own config, throwaway host keys and an authorized_keys file in a temp folder, for a
// non-root test user (created once when the tests run as root). Stop() ends it and removes the folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
// @ts-expect-error plain JS helper
import { withFileLockSync } from '../go/file-lock.mjs';
import { reapOnExit } from './child-reaper';

export const SSHD = '/usr/sbin/sshd';
export const TEST_USER = 'gpwssh';
export const TEST_PASSWORD = 'gpw-test-password-1';

/** Why the SSH tests cannot run here, or null. */
export function sshdUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (userInfo().uid !== 0) return 'the SSH tests start sshd for a separate test user and need root';
  return null;
}

/** Creates the non-root test user (with a password, for password authentication) if missing. */
export function ensureTestUser(): string {
  const exists = (): boolean => {
    try {
      execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!exists()) {
    try {
      execFileSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER], { stdio: 'ignore' });
    } catch (err) {
      if (!exists()) throw err; // not just the other SSH test file adding it at the same moment
    }
  }
  execFileSync('chpasswd', [], { input: `${TEST_USER}:${TEST_PASSWORD}\n` });
  return TEST_USER;
}

/** uid and gid of the test user, for spawning its processes directly (their pid is then known). */
export function testUserIds(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' })) };
}

export interface KeyPair {
  privatePath: string;
  publicLine: string;
  /** SHA256:… as ssh-keygen -l prints it. */
  fingerprint: string;
}

export function makeKeyPair(dir: string, name: string, passphrase = ''): KeyPair {
  const privatePath = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', privatePath]);
  const publicLine = readFileSync(privatePath + '.pub', 'utf8').trim();
  return { privatePath, publicLine, fingerprint: fingerprintOf(publicLine) };
}

export function fingerprintOf(publicLine: string): string {
  const blob = Buffer.from(publicLine.split(/\s+/)[1], 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Sshd {
  port: number;
  dir: string;
  /** Its sessions' TMPDIR (where gpw's remote jobs make their temp folders). */
  tmpDir: string;
  hostKey: KeyPair;
  /** sshd's log (LogLevel DEBUG1) so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  user: string;
  authorizedKeys: string[];
  /** Reuse a host key (to restart "the same" host) instead of making a new one. */
  hostKey?: KeyPair;
  password?: boolean;
  /** Lines appended to sshd_config (a Match block: it must come last). */
  extraConfig?: string[];
}

export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'gpw-sshd-'));
  chmodSync(dir, 0o755); // sshd reads authorized_keys as the user
  const hostKey = opts.hostKey ?? makeKeyPair(dir, 'host_ed25519');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, opts.authorizedKeys.join('\n') + '\n', { mode: 0o644 });
  const logFile = join(dir, 'sshd.log');
  // Sessions get a TMPDIR of this sshd's own: the SSH test files run in parallel as the same
  // user, and each checks that its remote jobs leave nothing behind in the temp folder.
  const sessionTmp = join(dir, 'tmp');
  mkdirSync(sessionTmp);
  chmodSync(sessionTmp, 0o1777);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.privatePath}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        `AuthorizedKeysFile ${authorized}`,
        `PasswordAuthentication ${opts.password ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'PermitRootLogin no',
        `AllowUsers ${opts.user}`,
        'AllowTcpForwarding yes',
        'LogLevel DEBUG1',
        'Subsystem sftp internal-sftp',
        'MaxStartups 50',
        `SetEnv TMPDIR=${sessionTmp}`,
        ...(opts.extraConfig ?? []),
        '',
      ].join('\n'),
    );
    const child: ChildProcess = reapOnExit(spawn(SSHD, ['-D', '-f', config, '-E', logFile], { stdio: 'ignore' }));
    const ready = await waitListening(port, child, 10_000);
    if (ready) {
      let exited = false;
      child.once('exit', () => (exited = true));
      return {
        port,
        dir,
        tmpDir: sessionTmp,
        hostKey,
        log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
        async stop() {
          if (!exited) {
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${log.slice(-2000)}`);
    }
  }
}

async function waitListening(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:net');
  const until = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < until && !exited) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 1000);
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Runs a command as the test user over a real `ssh` client (to check remote state independently of gpw). */
export function sshRun(sshd: Sshd, key: KeyPair, user: string, command: string): string {
  return execFileSync(
    'ssh',
    ['-p', String(sshd.port), '-i', key.privatePath, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', `${user}@127.0.0.1`, command],
    { encoding: 'utf8', timeout: 20_000 },
  );
}

/**
 * Builds tests/go/sshtarget into tests/.tmp/ssh (with symbols, and a stripped copy), once per
 * source and Go version; the folder is world-readable so the test user can run the binaries.
 */
export function buildSshTarget(repo: string): { bin: string; stripped: string; goVersion: string } {
  const src = join(repo, 'tests/go/sshtarget');
  const out = join(repo, 'tests/.tmp/ssh');
  mkdirSync(out, { recursive: true });
  chmodSync(out, 0o755);
  const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  const stamp = createHash('sha256').update(readFileSync(join(src, 'main.go'))).update(readFileSync(join(src, 'go.mod'))).update(goVersion).digest('hex');
  const bin = join(out, 'sshtarget');
  const stripped = join(out, 'sshtarget-stripped');
  const stampFile = join(out, 'stamp');
  const fresh = (): boolean => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(bin) && existsSync(stripped);
  // Both SSH test files build it: one builds, the other waits (a build over the binary of a
  // running service would leave its executable "(deleted)").
  withFileLockSync(join(out, 'build.lock'), () => {
    if (fresh()) return;
    const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
    execFileSync('go', ['build', '-trimpath', '-o', bin, '.'], { cwd: src, env, stdio: 'inherit' });
    execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', stripped, '.'], { cwd: src, env, stdio: 'inherit' });
    writeFileSync(stampFile, stamp);
  });
  chmodSync(bin, 0o755);
  chmodSync(stripped, 0o755);
  return { bin, stripped, goVersion };
}

/**
 * Starts the sshtarget service as the test user (so its pid is known and the test user's perf may
 * record it), serving net/http/pprof on the loopback only; resolves with its URL once it listens.
 */
export function startSshTargetService(bin: string): Promise<{ child: ChildProcess; url: URL }> {
  const child = reapOnExit(spawn(bin, ['-addr', '127.0.0.1:0'], { ...testUserIds(), stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('sshtarget did not print its URL within 15 s'))), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: new URL(m[1]) });
      }
    });
    child.once('exit', () => (clearTimeout(timer), reject(new Error('sshtarget exited before listening'))));
  });
}
