// Worker thread: decodes profiles and builds flame graphs and top tables off the main thread,
// keeping the last few decoded profiles so switching sample type does not decode again.

import { parentPort, workerData } from 'node:worker_threads';
import { decodeProfileBytes } from '../formats/decode-profile.js';
import { pruneDroppedFrames } from '../analysis/prune-frames.js';
import { FormatError } from '../formats/format-error.js';
import type { Profile } from '../model/profile.js';
import { summarizeProfile } from '../analysis/profile-summary.js';
import { flameGraphOf, topOf } from '../analysis/profile-ops.js';
import { GpwError, errorBody } from '../api/errors.js';
import type { ProfileSource, WorkerReply, WorkerRequest } from './profile-worker-protocol.js';
import type { FlameGraph } from '../analysis/flame-graph.js';
import { warmUpWhenIdle } from './warm-up.js';

const CACHE_SIZE = 4;
const cache = new Map<string, Profile>();

class MissingProfile extends Error {}

function profileFor(source: ProfileSource): Profile {
  const hit = cache.get(source.sha256);
  if (hit) {
    cache.delete(source.sha256);
    cache.set(source.sha256, hit);
    return hit;
  }
  if (!source.bytes) throw new MissingProfile();
  // As pprof does on load: the profile's own drop_frames/keep_frames apply to every view.
  const profile = pruneDroppedFrames(decodeProfileBytes(source.bytes));
  cache.set(source.sha256, profile);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return profile;
}

function handle(req: WorkerRequest): unknown {
  const profile = profileFor(req.source);
  switch (req.op) {
    case 'summarize':
      return summarizeProfile(profile);
    case 'meta':
      return { sampleTypes: profile.sampleTypes, defaultSampleType: profile.defaultSampleType };
    case 'flame':
      return flameGraphOf(profile, req.sampleType);
    case 'top':
      return topOf(profile, req.sampleType, req.options);
  }
}

function transferables(value: unknown): ArrayBuffer[] {
  const fg = value as Partial<FlameGraph>;
  if (!(fg.nameIndex instanceof Int32Array)) return [];
  return [fg.nameIndex, fg.depth!, fg.total!, fg.self!, fg.inlined!].map((a) => a.buffer as ArrayBuffer);
}

let lastRequestAt = 0;
if (workerData?.warmUp) warmUpWhenIdle(() => lastRequestAt);

parentPort!.on('message', (msg: { id: number; req: WorkerRequest }) => {
  lastRequestAt = Date.now();
  let reply: WorkerReply;
  try {
    const value = handle(msg.req);
    reply = { id: msg.id, ok: true, value };
    parentPort!.postMessage(reply, transferables(value));
    return;
  } catch (err) {
    if (err instanceof MissingProfile) reply = { id: msg.id, ok: false, missing: true };
    else if (err instanceof FormatError) reply = { id: msg.id, ok: false, error: { code: 'bad_input', message: err.message } };
    else reply = { id: msg.id, ok: false, error: errorBody(err instanceof GpwError ? err : err) };
  }
  parentPort!.postMessage(reply);
});
