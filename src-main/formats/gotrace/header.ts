// The 16-byte header of a Go execution trace, "go 1.N trace\0\0\0": which format version, and a
// plain answer for the versions gpw does not read.

import { FormatError } from '../format-error.js';

export const TRACE_HEADER_BYTES = 16;
/** Format versions gpw reads (Go 1.24 writes 1.23). */
export const SUPPORTED_TRACE_VERSIONS = [22, 23, 25, 26] as const;

const HEADER_RE = /^go 1\.(\d+) trace\0*$/;

/** The N of a "go 1.N trace" header, or null when the bytes are no Go trace header. */
export function traceHeaderMinor(head: Uint8Array): number | null {
  if (head.length < 12) return null;
  const text = String.fromCharCode(...head.subarray(0, Math.min(TRACE_HEADER_BYTES, head.length)));
  const m = HEADER_RE.exec(text.length === TRACE_HEADER_BYTES ? text : text + '\0'.repeat(TRACE_HEADER_BYTES - text.length));
  return m ? Number(m[1]) : null;
}

/** Which Go releases write a legacy (pre-1.22) format version. */
function legacyWriters(minor: number): string {
  if (minor === 21) return 'Go 1.21';
  if (minor === 19) return 'Go 1.19 or 1.20';
  if (minor === 11) return 'a Go release from 1.11 to 1.18';
  return `Go 1.${minor}`;
}

/** Why a trace of this format version cannot be read, or null when it can. */
export function unsupportedTraceReason(minor: number): string | null {
  if ((SUPPORTED_TRACE_VERSIONS as readonly number[]).includes(minor)) return null;
  if (minor <= 21) {
    return `this is a Go execution trace in the old format "go 1.${minor} trace", written by ${legacyWriters(minor)}; gpw reads traces written by Go 1.22 and later: capture it again with Go 1.22 or newer`;
  }
  if (minor === 24) return 'this Go execution trace says format "go 1.24 trace", which no Go release writes (Go 1.24 writes "go 1.23 trace"); the file is damaged';
  return `this is a Go execution trace of format version 1.${minor}, newer than gpw knows (it reads 1.22 to 1.26); update gpw`;
}

/** The format version of a trace ("1.23"), or a FormatError saying why it cannot be read. */
export function readTraceHeader(bytes: Uint8Array): number {
  if (bytes.length < TRACE_HEADER_BYTES) throw new FormatError(`the trace is truncated: only ${bytes.length} bytes, shorter than its 16-byte header`, 0);
  const minor = traceHeaderMinor(bytes);
  if (minor === null) throw new FormatError('not a Go execution trace: the file does not start with "go 1.N trace"', 0);
  const reason = unsupportedTraceReason(minor);
  if (reason) throw new FormatError(reason, 0);
  return minor;
}
