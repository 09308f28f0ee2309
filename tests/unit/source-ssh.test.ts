// A profile captured through an SSH host whose source is not on this machine: the source view
// reads the file at the path the profile records from that host over SFTP (a real sshd on
// 127.0.0.1 whose user is chrooted into a folder holding /src/hotspots/main.go, so the host's
// files differ from this machine's), keeps it, and says where it came from; a file the host lacks
// is said plainly, with the figures still shown. The disassembly reads the profiled binary from
// the host the same way (it ran there, at the path its mapping records), with the figures of the
// same binary given by path, and refuses another binary at that path with both build IDs. The profile is tests/go/hotspots built with its
// source paths rewritten to /src/hotspots (go build -gcflags=-trimpath=DIR=>/src/hotspots).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine } from '../../src-main/engine';
import { repoPath, tempDir } from '../helpers/paths';
import { run } from '../helpers/run';
import { hotspotsSource } from '../helpers/hotspots';
import { ensureTestUser, makeKeyPair, sshdUnavailable, startSshd, type Sshd } from '../helpers/sshd';
import type { Artifact } from '../../src-main/api/types';

/** sshd's ChrootDirectory needs every component root-owned and writable by root alone. */
function chrootable(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const st = statSync(d);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) return `${d} is not root-owned and writable by root alone (sshd's ChrootDirectory rule)`;
    if (d === '/') return null;
  }
}

const skip = sshdUnavailable() ?? chrootable(repoPath('tests/.tmp'));

describe.skipIf(skip !== null)(`source read from the SSH host a profile was captured through${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const tmp = tempDir('gpw-source-ssh-');
  const chroot = repoPath(`tests/.tmp/ssh-chroot-${process.pid}`);
  const savedHome = process.env.HOME;
  const savedAgent = process.env.SSH_AUTH_SOCK;
  const savedGo: Record<string, string | undefined> = {};
  let sshd: Sshd;
  let engine: Engine;
  let heap: Artifact;
  let hostBinary = '';
  let mod0 = '';

  beforeAll(async () => {
    const user = ensureTestUser();
    // The host's /src/hotspots/main.go (only there: this machine has no /src/hotspots).
    mkdirSync(join(chroot, 'src', 'hotspots'), { recursive: true });
    for (const d of [chroot, join(chroot, 'src'), join(chroot, 'src', 'hotspots')]) chmodSync(d, 0o755);
    cpSync(join(hotspotsSource, 'main.go'), join(chroot, 'src', 'hotspots', 'main.go'));
    // The program built with its paths rewritten to /src/hotspots, and its heap profile.
    const mod = join(tmp.dir, 'hotspots');
    cpSync(hotspotsSource, mod, { recursive: true });
    const build = await run('sh', ['-c', 'cd "$1" && go build -buildvcs=false "-gcflags=-trimpath=$1=>/src/hotspots" -o hs . && exec ./hs -out . -cpu 0 -rounds 300', 'sh', mod], {}, 300_000);
    expect(build.code, build.stderr).toBe(0);
    // The binary is the host's alone: moved under the chroot at the path the profile's mapping records.
    hostBinary = join(chroot, mod, 'hs');
    mkdirSync(dirname(hostBinary), { recursive: true });
    cpSync(join(mod, 'hs'), hostBinary);
    rmSync(join(mod, 'hs'));
    mod0 = mod;

    // gpw's SSH reads ~/.ssh: HOME moves to a temporary one, Go's caches stay where they were.
    for (const v of ['GOCACHE', 'GOPATH', 'GOMODCACHE']) savedGo[v] = process.env[v];
    const goEnv = execFileSync('go', ['env', 'GOCACHE', 'GOPATH', 'GOMODCACHE'], { encoding: 'utf8' }).split('\n');
    [process.env.GOCACHE, process.env.GOPATH, process.env.GOMODCACHE] = goEnv;
    const home = join(tmp.dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    const key = makeKeyPair(tmp.dir, 'user_ed25519');
    sshd = await startSshd({ user, authorizedKeys: [key.publicLine], extraConfig: [`Match User ${user}`, `  ChrootDirectory ${chroot}`, '  ForceCommand internal-sftp'] });
    writeFileSync(join(home, '.ssh', 'config'), ['Host buildhost', '  HostName 127.0.0.1', `  Port ${sshd.port}`, `  User ${user}`, `  IdentityFile ${key.privatePath}`, ''].join('\n'));
    engine = new Engine({ libraryPath: join(tmp.dir, 'library.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
    // As a capture through the host labels it.
    heap = (await engine.importPaths([join(mod, 'heap.pb.gz')], { labels: { via: 'buildhost' } })).artifacts[0];
    expect((await engine.sshConnect({ host: 'buildhost', acceptHostKey: sshd.hostKey.fingerprint })).status).toBe('connected');
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    await sshd?.stop();
    process.env.HOME = savedHome;
    for (const [v, value] of Object.entries(savedGo)) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
    if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent;
    rmSync(chroot, { recursive: true, force: true });
    tmp.cleanup();
  });

  it('a source file missing here is read from the host, kept, and said so', async () => {
    const listing = await engine.sourceList({ id: heap.id, sampleType: 'alloc_space', function: '^main\\.allocate$' });
    const fn = listing.functions[0];
    expect(fn.file).toBe('/src/hotspots/main.go');
    expect(fn.missingSource).toBe(false);
    expect(fn.foundAt).toBe('ssh://buildhost/src/hotspots/main.go');
    expect(fn.notes).toEqual([]);
    expect(fn.fetched).toMatch(/^not found here \(looked for \/src\/hotspots\/main\.go.*\): read from buildhost over SSH/);
    // The text is the host's file, line for line.
    const source = readFileSync(join(chroot, 'src', 'hotspots', 'main.go'), 'utf8').split('\n');
    expect(fn.lines.length).toBeGreaterThan(5);
    for (const l of fn.lines) expect(l.text).toBe(source[l.line - 1]);
    expect(fn.lines.some((l) => l.flat > 0 && /make\(\[\]byte/.test(l.text ?? ''))).toBe(true);

    // Kept: read again with the host gone, the same text.
    await engine.sshDisconnect({ host: 'buildhost' });
    const again = await engine.sourceList({ id: heap.id, sampleType: 'alloc_space', function: '^main\\.allocate$' });
    expect(again.functions[0].foundAt).toBe(fn.foundAt);
    expect(again.functions[0].lines).toEqual(fn.lines);
    expect((await engine.sshConnect({ host: 'buildhost' })).status).toBe('connected');
  });

  it('a file the host lacks is said plainly, the figures still shown', async () => {
    rmSync(join(chroot, 'src', 'hotspots', 'main.go'));
    // A fresh engine (nothing kept) on the same library, the host's file gone.
    const fresh = new Engine({ libraryPath: join(tmp.dir, 'library.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
    try {
      expect((await fresh.sshConnect({ host: 'buildhost' })).status).toBe('connected');
      const listing = await fresh.sourceList({ id: heap.id, sampleType: 'alloc_space', function: '^main\\.allocate$' });
      const fn = listing.functions[0];
      expect(fn.missingSource).toBe(true);
      expect(fn.error).toMatch(/not read from buildhost either: buildhost:\/src\/hotspots\/main\.go: No such file/);
      expect(fn.lines.some((l) => l.flat > 0 && l.text === null)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('the disassembly reads the profiled binary from the host, checked by build ID', async () => {
    const byPath = await engine.source.disasm(engine.cliView(heap.id), { sampleType: 'alloc_space', function: '^main\\.allocate$', binary: hostBinary });
    const fetched = await engine.sourceDisasm({ id: heap.id, sampleType: 'alloc_space', function: '^main\\.allocate$' });
    expect(fetched.fetchedFrom).toBe(`ssh://buildhost${mod0}/hs`);
    expect(fetched.buildId).toBe(byPath.buildId);
    expect(fetched.buildId).toMatch(/^[0-9a-f]{20,}$/);
    expect(fetched.functions).toEqual(byPath.functions);
    expect(fetched.functions[0].instructions.some((i) => i.flat > 0)).toBe(true);
  });

  it('another binary at that path on the host is refused with both build IDs', async () => {
    const profiled = (await engine.source.disasm(engine.cliView(heap.id), { sampleType: 'alloc_space', function: '^main\\.allocate$', binary: hostBinary })).buildId!;
    cpSync('/usr/bin/true', hostBinary);
    const fresh = new Engine({ libraryPath: join(tmp.dir, 'library.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
    try {
      expect((await fresh.sshConnect({ host: 'buildhost' })).status).toBe('connected');
      const err = await fresh.sourceDisasm({ id: heap.id, sampleType: 'alloc_space', function: '^main\\.allocate$' }).then(() => null, (e: Error) => e.message);
      expect(err).toMatch(new RegExp(`ssh://buildhost${mod0.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/hs \\(read over SSH\\) has build ID [0-9a-f]+, but the profile's .* has build ID ${profiled}: not the binary that was profiled`));
    } finally {
      await fresh.close();
    }
  });
});
