// Messages between the engine and its profile worker thread.

import type { ErrorBody } from '../api/errors.js';
import type { TopOptions } from '../analysis/top.js';

export type ProfileSource = { sha256: string; bytes?: Uint8Array };

export type WorkerRequest =
  | { op: 'summarize'; source: ProfileSource }
  | { op: 'meta'; source: ProfileSource }
  | { op: 'flame'; source: ProfileSource; sampleType?: string }
  | { op: 'top'; source: ProfileSource; sampleType?: string; options: TopOptions };

export type WorkerReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; missing: true } | { ok: false; error: ErrorBody });
