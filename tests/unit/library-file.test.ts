// A library path gpw cannot use: a folder that cannot be made (/proc/nope: Node's recursive mkdir
// never returned there), a folder under a regular file, a read-only folder, a file that is not an
// SQLite database, a library cut short or damaged inside. Every command exits promptly with
// status 1 and a message naming the path and what is wrong; nothing is written to the file.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, repoPath, tempDir } from '../helpers/paths';
import { run, type RunResult } from '../helpers/run';

const tmp = tempDir('gpw-library-file-');
const GPW = repoPath('bin/gpw.js');
const FOLDED = join(FIXTURES, 'collapsed', 'speedscope-simple.txt');
const FOLDED_BIG = join(FIXTURES, 'collapsed', 'speedscope-perf-vertx-stacks-01-collapsed-all.txt');
const FOLDED_OTHER = join(FIXTURES, 'collapsed', 'speedscope-recursion.txt');
/** A hang shows as this run's kill (and no message); a 10× slower machine still answers well within it. */
const WAIT_MS = 60_000;

/** gpw with --library PATH; serve gets --port 0 (it must not start at all). */
function gpwAt(library: string, command: string, ...args: string[]): Promise<RunResult> {
  return run(process.execPath, [GPW, command, '--library', library, ...(command === 'serve' ? ['--port', '0'] : []), ...args], {}, WAIT_MS);
}

/** The commands that create a missing library (import, serve) and one that only reads (list). */
const COMMANDS: [string, ...string[]][] = [['import', FOLDED], ['serve'], ['list']];

/** A valid library of three folded files (several pages of SQLite), made once. */
const good = join(tmp.dir, 'good.sqlite');
beforeAll(async () => {
  const r = await gpwAt(good, 'import', FOLDED, FOLDED_BIG, FOLDED_OTHER);
  expect(r.code, r.stderr).toBe(0);
  expect(readdirSync(tmp.dir).filter((f) => f.startsWith('good.sqlite-'))).toEqual([]);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('a library folder that cannot be made', () => {
  it('under /proc: every command ends at once with status 1 and names the path', async () => {
    const path = '/proc/gpw-nope/x.db';
    for (const [command, ...args] of COMMANDS) {
      const r = await gpwAt(path, command, ...args);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stdout, command).toBe('');
      if (command === 'list') expect(r.stderr).toContain(`there is no library at ${path}`);
      else expect(r.stderr, command).toBe(`gpw: cannot create the library at ${path}: the folder /proc/gpw-nope cannot be made in /proc: the system allows no folder there (ENOENT)\n`);
    }
  }, 4 * WAIT_MS);

  it('under a regular file: names the file that is not a folder and creates nothing', async () => {
    const file = join(tmp.dir, 'plain-file');
    writeFileSync(file, 'not a folder\n');
    for (const path of [join(file, 'lib.sqlite'), join(file, 'a', 'b', 'lib.sqlite')]) {
      for (const [command, ...args] of COMMANDS) {
        const r = await gpwAt(path, command, ...args);
        expect(r.code, `${command}: ${r.stderr}`).toBe(1);
        if (command === 'list') expect(r.stderr).toContain(`there is no library at ${path}`);
        else expect(r.stderr, command).toBe(`gpw: cannot create the library at ${path}: ${file} is a file, not a folder\n`);
      }
    }
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  }, 8 * WAIT_MS);

  it('a folder named as the library file', async () => {
    const dir = join(tmp.dir, 'a-folder');
    mkdirSync(dir);
    for (const [command, ...args] of COMMANDS) {
      const r = await gpwAt(dir, command, ...args);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr, command).toBe(`gpw: the library ${dir} is a folder, not a library file\n`);
    }
    expect(readdirSync(dir)).toEqual([]);
  }, 4 * WAIT_MS);
});

/**
 * Root writes into read-only folders, so as root the read-only cases run gpw as nobody (65534),
 * when nobody can read the built gpw; else they cannot be shown here.
 */
const asRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };
const nobodyCanRun = !asRoot || spawnSync(process.execPath, [GPW, 'help'], { ...nobody, stdio: 'ignore', timeout: WAIT_MS }).status === 0;

function gpwReadOnlyUser(library: string, command: string, ...args: string[]): RunResult {
  const r = spawnSync(process.execPath, [GPW, command, '--library', library, ...(command === 'serve' ? ['--port', '0'] : []), ...args], {
    ...(asRoot ? nobody : {}),
    encoding: 'utf8',
    timeout: WAIT_MS,
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!nobodyCanRun)('a read-only folder', () => {
  it('a new library in it, or one already there: status 1, the path and why; nothing written', () => {
    const dir = join(tmp.dir, 'read-only');
    mkdirSync(dir);
    copyFileSync(good, join(dir, 'lib.sqlite'));
    const before = readFileSync(join(dir, 'lib.sqlite'));
    chmodSync(tmp.dir, 0o755);
    chmodSync(join(dir, 'lib.sqlite'), 0o444);
    chmodSync(dir, 0o555);
    try {
      const created = gpwReadOnlyUser(join(dir, 'new.sqlite'), 'import', FOLDED);
      expect(created.code, created.stderr).toBe(1);
      expect(created.stderr).toBe(`gpw: the library ${join(dir, 'new.sqlite')} cannot be used: SQLite cannot open or create the file (is its folder writable, and is it a file?) [SQLITE_CANTOPEN]\n`);
      const deeper = gpwReadOnlyUser(join(dir, 'sub', 'new.sqlite'), 'serve');
      expect(deeper.code, deeper.stderr).toBe(1);
      expect(deeper.stderr).toBe(`gpw: cannot create the library at ${join(dir, 'sub', 'new.sqlite')}: the folder ${join(dir, 'sub')} cannot be made in ${dir}: permission denied (EACCES)\n`);
      for (const [command, ...args] of COMMANDS) {
        const r = gpwReadOnlyUser(join(dir, 'lib.sqlite'), command, ...args);
        expect(r.code, `${command}: ${r.stderr}`).toBe(1);
        expect(r.stderr, command).toMatch(new RegExp(`^gpw: the library ${join(dir, 'lib.sqlite')} cannot be used: the file or its folder is read-only \\(gpw writes its log and migrations beside it\\) \\[SQLITE_READONLY(_[A-Z]+)?\\]\\n$`));
      }
      expect(readdirSync(dir)).toEqual(['lib.sqlite']);
      expect(readFileSync(join(dir, 'lib.sqlite')).equals(before)).toBe(true);
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(tmp.dir, 0o700);
    }
  }, 8 * WAIT_MS);
});

describe('a library file gpw cannot read', () => {
  /** Runs every command on a copy of `bytes` and checks the message and that the file is unchanged, alone in its folder. */
  async function refused(name: string, bytes: Buffer, message: (path: string) => string, commands = COMMANDS): Promise<void> {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    const path = join(dir, 'lib.sqlite');
    writeFileSync(path, bytes);
    for (const [command, ...args] of commands) {
      const r = await gpwAt(path, command, ...args);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stdout, command).toBe('');
      expect(r.stderr, command).toBe(`gpw: ${message(path)}\n`);
      expect(readFileSync(path).equals(bytes), command).toBe(true);
      expect(readdirSync(dir), command).toEqual(['lib.sqlite']);
    }
  }

  it('not an SQLite database', async () => {
    await refused('text', Buffer.from('this is a text file, not a library\n'), (p) => `${p} is not a gpw library: it is not an SQLite database (its first bytes are not SQLite's header); nothing was written to it`);
    await refused('profile', readFileSync(FOLDED), (p) => `${p} is not a gpw library: it is not an SQLite database (its first bytes are not SQLite's header); nothing was written to it`, [['import', FOLDED]]);
  }, 8 * WAIT_MS);

  it('cut short: inside its header, at a page boundary, inside a page', async () => {
    const whole = readFileSync(good);
    const pageSize = whole.readUInt16BE(16);
    const pages = whole.readUInt32BE(28);
    expect(pages * pageSize).toBe(whole.length);
    expect(pages).toBeGreaterThan(3);
    await refused('cut-header', whole.subarray(0, 60), (p) => `the library ${p} is damaged: it ends at byte 60, inside SQLite's 100-byte header; nothing was written to it`);
    for (const at of [pageSize, 2 * pageSize + 1000, whole.length - 1]) {
      const commands: typeof COMMANDS = at === pageSize ? COMMANDS : [['import', FOLDED]];
      await refused(`cut-${at}`, whole.subarray(0, at), (p) => `the library ${p} is damaged: it is cut short at byte ${at}, but its header counts ${pages} pages of ${pageSize} bytes (${whole.length} bytes); nothing was written to it`, commands);
    }
  }, 16 * WAIT_MS);

  it('damaged inside (a page overwritten): SQLite\'s complaint, worded, and nothing written', async () => {
    const whole = readFileSync(good);
    const pageSize = whole.readUInt16BE(16);
    // Page 2 onwards holds the schema's tables: every command reads them first.
    const damaged = Buffer.from(whole);
    damaged.fill(0xff, pageSize, 2 * pageSize);
    await refused('damaged', damaged, (p) => `the library ${p} cannot be used: the database is damaged (SQLite: "database disk image is malformed") [SQLITE_CORRUPT]`);
  }, 4 * WAIT_MS);

  it('the good library still opens (the checks refuse no valid file)', async () => {
    const r = await gpwAt(good, 'list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(existsSync(good)).toBe(true);
  }, WAIT_MS);
});
