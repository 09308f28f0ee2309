// A lock between processes for the test-data generators: vitest runs test files in parallel, and
// on a fresh clone several of them ask for the same generated file at once. Without a lock each
// makes its own copy and renames it over the other's, so a test can read one copy and, later,
// another (different) one. With it, the first makes the file and the others wait and use it.
//
// The lock is a directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone
// is taken over. Node built-ins only; not a test file.
import { mkdirSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const WAIT_MS = 15 * 60_000;
const POLL_MS = 100;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err?.code === 'EPERM';
  }
}

/** Takes the lock once: true if taken, false if someone else (alive) holds it. */
function tryLock(lockDir) {
  try {
    mkdirSync(lockDir);
  } catch (err) {
    if (err?.code !== 'EEXIST') throw err;
    let owner = NaN;
    try {
      owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      return false; // just made, its pid not written yet
    }
    if (Number.isInteger(owner) && alive(owner)) return false;
    rmSync(lockDir, { recursive: true, force: true }); // its owner died: take it over
    return false;
  }
  writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  return true;
}

const timedOut = (lockDir) => new Error(`waited ${WAIT_MS / 60_000} min for ${lockDir} (another test process is making the same file)`);

/** Runs fn() while holding the lock `lockDir` (its parent folder must exist). */
export async function withFileLock(lockDir, fn) {
  const deadline = Date.now() + WAIT_MS;
  while (!tryLock(lockDir)) {
    if (Date.now() > deadline) throw timedOut(lockDir);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

/** withFileLock for synchronous code (waits by blocking this thread). */
export function withFileLockSync(lockDir, fn) {
  const deadline = Date.now() + WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!tryLock(lockDir)) {
    if (Date.now() > deadline) throw timedOut(lockDir);
    Atomics.wait(pause, 0, 0, POLL_MS);
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
