// The SSH building blocks against OpenSSH's and binutils' own tools: ~/.ssh/config resolution
// (ssh -G), known_hosts lookups and fingerprints (ssh-keygen -H / -F / -l), remote argument
// quoting (a real sh), and the ELF facts gpw reads from binaries (readelf, go version).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSshConfig, resolveHost, configuredHosts, parseDestination } from '../../src-main/collect/ssh/ssh-config';
import { checkHostKey, fingerprint, keyTypeOf, recordHostKey, type HostKey } from '../../src-main/collect/ssh/known-hosts';
import { scriptCommand, shellQuote } from '../../src-main/collect/ssh/remote-command';
import { readBinaryInfo } from '../../src-main/collect/ssh/elf-info';
import { parsePsLines } from '../../src-main/collect/ssh/processes';
import { checkGcRunOptions } from '../../src-main/collect/ssh/gc-run';
import { checkPerfOptions } from '../../src-main/collect/ssh/perf-remote';
import { REPO, tempDir } from '../helpers/paths';
import { buildSshTarget, makeKeyPair } from '../helpers/sshd';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('gpw-ssh-parts-');
});
afterAll(() => tmp.cleanup());

const keyOf = (publicLine: string): HostKey => {
  const blob = Buffer.from(publicLine.split(' ')[1], 'base64');
  return { type: keyTypeOf(blob), blob };
};

describe('~/.ssh/config resolves as ssh -G resolves it', () => {
  const CONFIG = `# gpw test config
Host web-*
  User deploy
  IdentityFile ~/.ssh/web_%h_%r
Host web-1 !web-2
  HostName 10.0.0.1
  Port 2200
Host *.internal
  ProxyJump bastion,admin@gw:2222
  IdentitiesOnly yes
Host bastion
  HostName bastion.example.com
  User "jump user"
Match exec "false"
  User matched
Include conf.d/*.conf
Host *
  User fallback
  IdentityFile %d/.ssh/id_%u
`;

  it.each(['web-1', 'web-2', 'db.internal', 'bastion', 'other', 'extra'])('%s', (alias) => {
    const home = join(tmp.dir, 'home');
    const sshDir = join(home, '.ssh');
    mkdirSync(join(sshDir, 'conf.d'), { recursive: true });
    writeFileSync(join(sshDir, 'config'), CONFIG);
    writeFileSync(join(sshDir, 'conf.d', '10-extra.conf'), 'Host extra\n  HostName 192.0.2.7\n  Port 2022\n');
    const local = 'root';
    const g = new Map<string, string[]>();
    const text = execFileSync('ssh', ['-G', '-F', join(sshDir, 'config'), alias], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0) g.set(line.slice(0, sp), [...(g.get(line.slice(0, sp)) ?? []), line.slice(sp + 1)]);
    }
    const r = resolveHost(parseSshConfig(readFileSync(join(sshDir, 'config'), 'utf8'), sshDir), alias, local, home);
    expect(r.hostName).toBe(g.get('hostname')![0]);
    expect(r.port).toBe(Number(g.get('port')![0]));
    expect(r.user ?? local).toBe(g.get('user')![0]);
    expect(r.identitiesOnly).toBe(g.get('identitiesonly')![0] === 'yes');
    expect(r.proxyJump.join(',')).toBe(g.get('proxyjump')?.[0] ?? '');
    // ssh -G prints IdentityFile before expansion; expand its tokens as ssh does when connecting.
    const expand = (p: string): string =>
      p.replace(/%h/g, r.hostName).replace(/%r/g, r.user ?? local).replace(/%u/g, local).replace(/%d/g, home).replace(/^~/, home);
    expect(r.identityFiles).toEqual((g.get('identityfile') ?? []).map(expand));
  });

  it('lists the hosts named without wildcards; parses [user@]host[:port]', () => {
    expect(configuredHosts(parseSshConfig('Host a b *.c !d\nHost e?\nHost f\n', '/nonexistent'))).toEqual(['a', 'b', 'f']);
    expect(parseDestination('me@box:2222')).toEqual({ user: 'me', host: 'box', port: 2222 });
    expect(parseDestination('[::1]:22')).toEqual({ user: null, host: '::1', port: 22 });
    expect(parseDestination('box')).toEqual({ user: null, host: 'box', port: null });
  });
});

describe('known_hosts as OpenSSH reads and writes it', () => {
  it('finds plain and ssh-keygen -H hashed entries, [host]:port for other ports, and says which key changed', () => {
    const a = makeKeyPair(tmp.dir, 'kh_a');
    const b = makeKeyPair(tmp.dir, 'kh_b');
    const file = join(tmp.dir, 'known_hosts_plain');
    const blobField = (k: { publicLine: string }): string => k.publicLine.split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `# comment\nbox.example.com,10.0.0.9 ${blobField(a)}\n[box.example.com]:2222 ${blobField(b)}\n*.wild.test,!bad.wild.test ${blobField(a)}\n@revoked evil.test ${blobField(b)}\n`);
    const hashed = join(tmp.dir, 'known_hosts_hashed');
    copyFileSync(file, hashed);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    expect(readFileSync(hashed, 'utf8')).not.toContain('box.example.com');
    for (const f of [file, hashed]) {
      expect(checkHostKey([f], 'box.example.com', 22, keyOf(a.publicLine)).status).toBe('known');
      expect(checkHostKey([f], '10.0.0.9', 22, keyOf(a.publicLine)).status).toBe('known');
      expect(checkHostKey([f], 'box.example.com', 2222, keyOf(b.publicLine)).status).toBe('known');
      // ssh-keygen -H splits "a,b" hosts into lines: the line numbers are the plain file's only.
      expect(checkHostKey([f], 'box.example.com', 2222, keyOf(a.publicLine))).toMatchObject({ status: 'changed', file: f, ...(f === file ? { line: 3 } : {}) });
      expect(checkHostKey([f], 'box.example.com', 22, keyOf(b.publicLine))).toMatchObject({ status: 'changed', file: f, ...(f === file ? { line: 2 } : {}) });
      expect(checkHostKey([f], 'other.example.com', 22, keyOf(a.publicLine))).toEqual({ status: 'unknown', otherTypesKnown: [] });
    }
    // Patterns (ssh-keygen -H leaves them as they are).
    expect(checkHostKey([hashed], 'x.wild.test', 22, keyOf(a.publicLine)).status).toBe('known');
    expect(checkHostKey([hashed], 'bad.wild.test', 22, keyOf(a.publicLine)).status).toBe('unknown');
    expect(checkHostKey([file], 'evil.test', 22, keyOf(b.publicLine)).status).toBe('revoked');
  });

  it('records a consented key hashed, as ssh-keygen -F finds it; fingerprints equal ssh-keygen -l', () => {
    const k = makeKeyPair(tmp.dir, 'kh_rec');
    const file = join(tmp.dir, 'sub', 'known_hosts');
    recordHostKey(file, '127.0.0.1', 2022, keyOf(k.publicLine));
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(k.publicLine.split(' ')[1]);
    expect(checkHostKey([file], '127.0.0.1', 2022, keyOf(k.publicLine)).status).toBe('known');
    expect(checkHostKey([file], '127.0.0.1', 22, keyOf(k.publicLine)).status).toBe('unknown');
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', k.privatePath + '.pub'], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(keyOf(k.publicLine).blob)).toBe(printed);
  });
});

describe('remote commands', () => {
  it('every argument reaches the remote script as one word, whatever it holds', () => {
    const nasty = [`it's`, '$(touch /tmp/gpw-pwned)', '`id`', 'a b\tc', '"; rm -rf /; "', '\\', '\n', '*', '-n', ''];
    const cmd = scriptCommand('for a in "$@"; do printf "[%s]" "$a"; done', nasty);
    const out = execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
    expect(out).toBe(nasty.map((a) => `[${a}]`).join(''));
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('options are checked: numbers in range, allow-listed words', () => {
    expect(() => checkPerfOptions({ pid: 1, seconds: 0 })).toThrow(/seconds/);
    expect(() => checkPerfOptions({ pid: 1.5, seconds: 5 })).toThrow(/pid/);
    expect(() => checkPerfOptions({ seconds: 5 })).toThrow(/pid/);
    expect(() => checkPerfOptions({ pid: 1, systemWide: true, seconds: 5 })).toThrow(/not both/);
    expect(() => checkPerfOptions({ pid: 1, seconds: 5, event: 'cycles;reboot' as never })).toThrow(/event must be one of/);
    expect(() => checkPerfOptions({ pid: 1, seconds: 5, callGraph: 'dwarf,65528' as never })).toThrow(/call graph/);
    expect(() => checkGcRunOptions({ argv: ['x'], seconds: 5, gogc: '100; id' })).toThrow(/GOGC/);
    expect(() => checkGcRunOptions({ argv: ['x'], seconds: 5, gomemlimit: '1GB' })).toThrow(/GOMEMLIMIT/);
    expect(() => checkGcRunOptions({ argv: ['x'], seconds: 5, godebug: 'madvdontneed=1' })).toThrow(/gctrace/);
    expect(checkGcRunOptions({ argv: ['x'], seconds: 5, gogc: 'off', gomemlimit: '512MiB', godebug: 'gctrace=1,madvdontneed=1' })).toEqual({
      godebug: 'gctrace=1,madvdontneed=1',
      gogc: 'off',
      gomemlimit: '512MiB',
    });
  });

  it('ps lines parse, commands with spaces kept whole', () => {
    expect(parsePsLines('    1 root          0.0  1234 /sbin/init splash\n  42 gpwssh       12.5 88000 ./svc -addr 127.0.0.1:0\nbogus\n')).toEqual([
      { pid: 1, user: 'root', cpuPercent: 0, rssKiB: 1234, command: '/sbin/init splash' },
      { pid: 42, user: 'gpwssh', cpuPercent: 12.5, rssKiB: 88000, command: './svc -addr 127.0.0.1:0' },
    ]);
  });
});

describe('ELF facts of a binary match readelf and go version', () => {
  const infoOf = async (path: string) => {
    const fh = await open(path, 'r');
    try {
      return await readBinaryInfo(async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      });
    } finally {
      await fh.close();
    }
  };
  const sections = (path: string): string => execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8' });

  it('a truncated or hostile ELF header gives null, reading only what is bounded', async () => {
    const go = buildSshTarget(REPO);
    const cut = join(tmp.dir, 'cut');
    writeFileSync(cut, readFileSync(go.bin).subarray(0, 4096));
    expect(await infoOf(cut)).toBeNull();
    const hostile = Buffer.from(readFileSync(go.bin).subarray(0, 64));
    hostile.writeUInt16LE(65535, 0x3a); // section header entries of 64 KiB
    hostile.writeUInt16LE(4000, 0x3c);
    const requested: number[] = [];
    const info = await readBinaryInfo(async (offset, length) => (requested.push(length), offset === 0 ? hostile : Buffer.alloc(0)));
    expect(info).toBeNull();
    expect(Math.max(...requested)).toBeLessThanOrEqual(64);
  });

  it.each(['sshtarget', 'sshtarget-stripped', '/usr/bin/sleep', 'not-elf'])('%s', async (name) => {
    const go = buildSshTarget(REPO);
    const path = name === 'sshtarget' ? go.bin : name === 'sshtarget-stripped' ? go.stripped : name === 'not-elf' ? join(tmp.dir, 'x.sh') : name;
    if (name === 'not-elf') {
      writeFileSync(path, '#!/bin/sh\necho hi\n');
      expect(await infoOf(path)).toBeNull();
      return;
    }
    const info = await infoOf(path);
    const s = sections(path);
    expect(info!.hasSymbols).toBe(/\s\.symtab\s/.test(s));
    expect(info!.isGo).toBe(/\s\.go\.buildinfo\s/.test(s));
    const goVersionOut = spawnSync('go', ['version', path], { encoding: 'utf8' }).stdout.trim();
    expect(info!.goVersion).toBe(/: (go\S+)$/.exec(goVersionOut)?.[1] ?? null);
  });
});
