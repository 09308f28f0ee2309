// Go's own account of every wait's end in a trace (tests/go/tracewake, golang.org/x/exp/trace):
// the reference for the timeline's span details. Built once per source and Go version.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error plain JS helper
import { sourceHash } from '../go/go-gen.mjs';
// @ts-expect-error plain JS helper
import { withFileLock } from '../go/file-lock.mjs';
import { repoPath } from './paths';

const run = promisify(execFile);

/** One end of a wait, as Go's reader sees it. */
export interface Wake {
  /** Goroutine id. */
  g: number;
  blockedNs: number;
  /** blockedNs as time.Duration.String() prints it. */
  duration: string;
  reason: string;
  /** The goroutine of the event that ended the wait, -1 if none. */
  by: number;
  proc: number;
  /** Leaf function of that event's stack, and of the stack where the goroutine blocked. */
  leaf: string;
  blockLeaf: string;
}

async function tracewakeBin(): Promise<string> {
  const dir = repoPath('tests/go/tracewake');
  const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0' };
  const version = (await run(process.env.GO || 'go', ['version'], { env })).stdout.trim();
  const hash = await sourceHash(dir, version, 'tracewake', []);
  const bin = repoPath('tests/.tmp/timeline/tracewake');
  const fresh = async (): Promise<boolean> => (await fs.readFile(`${bin}.stamp`, 'utf8').catch(() => '')) === hash && !!(await fs.stat(bin).catch(() => null));
  if (await fresh()) return bin;
  await fs.mkdir(path.dirname(bin), { recursive: true });
  // Several test files may ask at once: one builds, the others wait (a build over a binary that
  // is running would leave it "(deleted)").
  await withFileLock(`${bin}.lock`, async () => {
    if (await fresh()) return;
    await run(process.env.GO || 'go', ['build', '-trimpath', '-buildvcs=false', '-o', bin, '.'], { cwd: dir, env, timeout: 300_000 });
    await fs.writeFile(`${bin}.stamp`, hash);
  });
  return bin;
}

/** Every end of a wait in the trace file, in event order. */
export async function goWakes(tracePath: string): Promise<Wake[]> {
  const { stdout } = await run(await tracewakeBin(), [tracePath], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as Wake[];
}
