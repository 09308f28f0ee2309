// A profile worker started before its engine (the CLI's entry does so for gpw import) is the one
// the first client of that script takes over; a client that warms up, or of another script, starts
// its own; an early worker that could not start is replaced, so the client's errors are the usual.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProfileWorkerClient, startProfileWorkerEarly } from '../../src-main/workers/profile-worker-client';
import { sha256Hex } from '../../src-main/library/blobs';
import { goProfile, repoPath } from '../helpers/paths';

const WORKER = repoPath('out/main/profile-worker.js');

describe('a profile worker started early', () => {
  it('answers the first client of its script, which ends it', async () => {
    const early = startProfileWorkerEarly(WORKER);
    const ended = new Promise((resolve) => early.once('exit', resolve));
    // A client that warms up its worker does not take this one.
    const warm = new ProfileWorkerClient(WORKER, true);
    warm.start();
    await warm.close();
    const client = new ProfileWorkerClient(WORKER);
    const bytes = readFileSync(goProfile('heap'));
    try {
      const meta = await client.run<{ defaultSampleType: string }>({ op: 'meta', source: { sha256: sha256Hex(bytes) } }, () => bytes);
      expect(meta.defaultSampleType).toBe('inuse_space');
    } finally {
      await client.close();
    }
    // The client's worker was the early one: closing the client ended it.
    await ended;
  }, 60_000);

  it('one that could not start is replaced by a worker of the client’s own, which fails as usual', async () => {
    const missing = repoPath('tests/.tmp/no-such-worker.js');
    startProfileWorkerEarly(missing);
    // Let the early one fail first.
    await new Promise((r) => setTimeout(r, 200));
    const client = new ProfileWorkerClient(missing);
    try {
      await expect(client.run({ op: 'meta', source: { sha256: 'x', bytes: new Uint8Array([1]) } }, () => new Uint8Array([1]))).rejects.toThrow(/profile worker (failed|exited)/);
    } finally {
      await client.close();
    }
  }, 60_000);
});
