// What the fuzzing suite runs on one input: detection (as an import does first), then the
// reader registered for the format (import/readers.ts) on the bytes whatever detection said, so
// every reader meets every kind of damage. The profile-like readers decode in the real profile
// worker; execution traces are parsed inline, as an import without a trace worker does.
// Used in-process by tests/unit/fuzz-readers.test.ts and bundled for the long run (fuzz.mjs).

import { createHash } from 'node:crypto';
import { GpwError } from '../../src-main/api/errors';
import { DETECT_HEAD_BYTES, detectFormat, type FormatName } from '../../src-main/formats/detect-format';
import { FormatError } from '../../src-main/formats/format-error';
import { READERS } from '../../src-main/import/readers';
import type { ReaderContext } from '../../src-main/import/reader-types';
import { ProfileWorkerClient } from '../../src-main/workers/profile-worker-client';

/** ok: read; refused: a message for the user (FormatError, GpwError); crash: anything else. */
export interface Outcome {
  kind: 'ok' | 'refused' | 'crash';
  message: string;
}

/** The formats that have a reader: the fuzz run covers each of them. */
export function registeredFormats(): FormatName[] {
  return (Object.keys(READERS) as FormatName[]).filter((f) => READERS[f]);
}

export function fuzzContext(profileWorkerPath: string): ReaderContext & { close(): Promise<void> } {
  const profiles = new ProfileWorkerClient(profileWorkerPath);
  return { profiles, close: () => profiles.close() };
}

/** A message fit for a user: short enough, no terminal control characters. */
function messageProblem(message: string): string | null {
  if (message.length > 4000) return `a ${message.length}-character message`;
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(message)) return 'control characters in the message';
  return null;
}

function classify(err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  const userFacing = err instanceof FormatError || (err instanceof GpwError && err.code !== 'internal');
  if (!userFacing) return { kind: 'crash', message: err instanceof Error ? `${err.name}: ${err.stack ?? message}` : message };
  const problem = messageProblem(message);
  return problem ? { kind: 'crash', message: `${problem}: ${JSON.stringify(message.slice(0, 300))}` } : { kind: 'refused', message };
}

export async function readOne(format: FormatName, bytes: Uint8Array, ctx: ReaderContext): Promise<Outcome> {
  try {
    const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
    if (detected.format === null) {
      const problem = messageProblem(detected.reason);
      if (problem) return { kind: 'crash', message: `detection: ${problem}` };
    }
  } catch (err) {
    return { kind: 'crash', message: `detection threw: ${(err as Error)?.stack ?? String(err)}` };
  }
  const reader = READERS[format];
  if (!reader) return { kind: 'crash', message: `no reader for ${format}` };
  try {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await reader.read({ name: 'fuzz-input', bytes, sha256 }, ctx);
    return { kind: 'ok', message: '' };
  } catch (err) {
    return classify(err);
  }
}
