// tests/go/hotspots built with one Go toolchain (GOTOOLCHAIN=go1.22.12 … or the local Go) and
// run, for the source, peek, disassembly and escape-analysis tests: its cpu (local Go only),
// heap and block profiles, the binary itself, and the compiler's escape analysis of the same
// source as `-gcflags=-m` text, `-m=2` text and the `-json=0,DIR` file of main.go. The binary is
// built with -trimpath as users ship binaries, so the profiles name "gpw/tests/hotspots/main.go".
// Cached under tests/.tmp/hotspots/<toolchain> with a stamp of source, toolchain and flags.
//
// Node built-ins only. Not a test file.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock.mjs';
import { repoRoot, sourceHash } from './go-gen.mjs';
import { envFor, run } from './trace-gen.mjs';

export const HOTSPOTS_DIR = path.join(repoRoot, 'tests', '.tmp', 'hotspots');
export const HOTSPOTS_SOURCE = path.join(repoRoot, 'tests', 'go', 'hotspots');
/** The escape-analysis formats' toolchains: Go 1.22 to 1.26 (local). */
export const ESCAPE_TOOLCHAINS = ['go1.22.12', 'go1.23.12', 'go1.24.13', 'go1.25.7', 'local'];
export const HOTSPOTS_FILES = ['hotspots', 'heap.pb.gz', 'block.pb.gz', 'escapes-m.txt', 'escapes-m2.txt', 'escapes-main.json'];

const exists = (p) => fs.access(p).then(() => true, () => false);

/**
 * The folder holding HOTSPOTS_FILES (and cpu.pb.gz for the local Go) made by `toolchain`.
 * @param {string} toolchain
 * @returns {Promise<string>}
 */
export async function ensureHotspots(toolchain = 'local') {
  const env = { ...envFor(toolchain), GOFLAGS: '' };
  const { stdout: version } = await run('go', ['version'], { env, cwd: HOTSPOTS_SOURCE });
  const out = path.join(HOTSPOTS_DIR, toolchain);
  const files = toolchain === 'local' ? [...HOTSPOTS_FILES, 'cpu.pb.gz'] : HOTSPOTS_FILES;
  const hash = await sourceHash(HOTSPOTS_SOURCE, version.trim(), 'hotspots', ['-trimpath', files]);
  const stamp = path.join(out, 'hotspots.stamp');
  const fresh = async () => (await fs.readFile(stamp, 'utf8').catch(() => null)) === hash && (await Promise.all(files.map((f) => exists(path.join(out, f))))).every(Boolean);
  if (await fresh()) return out;
  await fs.mkdir(out, { recursive: true });
  return withFileLock(path.join(out, 'hotspots.lock'), async () => {
    if (await fresh()) return out;
    await fs.rm(stamp, { force: true });
    const tmp = path.join(out, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { recursive: true });
    try {
      const build = (flags) => run('go', ['build', '-buildvcs=false', ...flags], { env, cwd: HOTSPOTS_SOURCE });
      await build(['-trimpath', '-o', path.join(tmp, 'hotspots'), '.']);
      // The escape analysis as a user runs it in the checkout (positions "./main.go", or absolute
      // in the JSON); the compiler writes its diagnostics to stderr (replayed from the build cache).
      await fs.writeFile(path.join(tmp, 'escapes-m.txt'), (await build(['-gcflags=-m', '-o', path.join(tmp, 'm.bin'), '.'])).stderr);
      await fs.writeFile(path.join(tmp, 'escapes-m2.txt'), (await build(['-gcflags=-m=2', '-o', path.join(tmp, 'm2.bin'), '.'])).stderr);
      const jsonDir = path.join(tmp, 'json');
      await build([`-gcflags=-json=0,${jsonDir}`, '-o', path.join(tmp, 'j.bin'), '.']);
      await fs.copyFile(path.join(jsonDir, 'main', 'main.json'), path.join(tmp, 'escapes-main.json'));
      await run(path.join(tmp, 'hotspots'), ['-out', tmp, ...(toolchain === 'local' ? [] : ['-cpu', '0'])], { timeout: 120_000 });
      for (const f of files) await fs.rename(path.join(tmp, f), path.join(out, f));
      await fs.writeFile(stamp, hash);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
    return out;
  });
}
