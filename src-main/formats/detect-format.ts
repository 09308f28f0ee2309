// Recognises an input by its first bytes, not its file name, and says plainly what a file
// that gpw cannot read appears to be.

import { looksLikeFolded } from './folded/detect-folded.js';
import { looksLikeGctrace } from './gctrace/detect-gctrace.js';
import { looksLikeGoBench } from './gobench/detect-gobench.js';
import { looksLikePerfScript, looksLikePerfScriptWithoutStacks } from './perf-script/detect-perf-script.js';
import { decodeTextHead, looksLikeText } from './text-lines.js';
import { quoteInput } from './quote-input.js';
import { traceHeaderMinor, unsupportedTraceReason } from './gotrace/header.js';
import { looksLikeEscapes } from './escapes/parse-escapes.js';
import { looksLikeRuntimeMetricsDump } from './runtime-metrics-dump.js';

/** Formats gpw reads. Each has a reader in src-main/import/readers.ts. */
export type FormatName = 'pprof' | 'expvar' | 'prometheus' | 'perf-script' | 'folded' | 'gotrace' | 'gctrace' | 'gobench' | 'escapes' | 'goroutine-dump' | 'runtime-metrics';

export type DetectedFormat = { format: FormatName } | { format: null; reason: string };

/** How many leading bytes detection looks at: enough for text formats to show a few full lines. */
export const DETECT_HEAD_BYTES = 64 * 1024;

const startsWith = (b: Uint8Array, sig: number[]): boolean => sig.every((v, i) => b[i] === v);
const ascii = (b: Uint8Array, n: number): string => String.fromCharCode(...b.subarray(0, Math.min(n, 4096)));

// First tag byte of a profile.proto message: fields 1–14 with their wire types.
const PPROF_FIRST_TAGS = new Set([0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x32, 0x38, 0x3a, 0x40, 0x42, 0x48, 0x50, 0x5a, 0x60, 0x68, 0x6a, 0x70]);

export function detectFormat(head: Uint8Array): DetectedFormat {
  if (head.length === 0) return { format: null, reason: 'the file is empty' };
  if (startsWith(head, [0x1f, 0x8b])) return { format: 'pprof' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { format: null, reason: 'this is a JPEG image, not a profile' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return { format: null, reason: 'this is a PNG image, not a profile' };
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return { format: null, reason: 'this is a PDF document, not a profile' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { format: null, reason: 'this is a ZIP archive, not a profile; unpack it first' };
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { format: null, reason: 'this is an ELF executable, not a profile' };
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return { format: null, reason: 'this is zstd-compressed; decompress it first' };
  const traceMinor = traceHeaderMinor(head);
  if (traceMinor !== null) {
    const reason = unsupportedTraceReason(traceMinor);
    return reason ? { format: null, reason } : { format: 'gotrace' };
  }
  if (isLegacyCpuProfile(head)) {
    return {
      format: null,
      reason: 'this is a legacy binary CPU profile (gperftools / Go before 1.9); convert it with `go tool pprof -proto FILE > FILE.pb.gz`',
    };
  }
  if (head.every((b) => b === 0)) return { format: null, reason: 'the file contains only zero bytes' };
  // Text first: many letters are also valid protobuf tags, but real protobuf is never this printable.
  if (looksLikeGoroutineDump(head)) return { format: 'goroutine-dump' };
  if (/^(heap profile:|--- (contention|mutex):|goroutine profile:|threadcreate profile:)/.test(ascii(head, 32))) {
    return { format: null, reason: 'this is a legacy text profile (?debug=1); convert it with `go tool pprof -proto FILE > FILE.pb.gz`, or fetch it without debug=1' };
  }
  // The compiler's escape analysis: -gcflags=-json files start with their own header object.
  if (/^\{"version":\d+,"package":/.test(ascii(head, 64))) return looksLikeEscapes(ascii(head, 4096)) ? { format: 'escapes' } : { format: null, reason: 'this is a JSON file of the compiler that is not its escape analysis' };
  if (looksLikeRuntimeMetricsDump(ascii(head, 4096))) return { format: 'runtime-metrics' };
  if (isExpvarJson(head)) return { format: 'expvar' };
  if (isPrometheusText(head)) return { format: 'prometheus' };
  const text = looksLikeText(head) ? decodeTextHead(head) : null;
  if (text !== null && looksLikeGctrace(text)) return { format: 'gctrace' };
  if (text !== null && looksLikeGoBench(text)) return { format: 'gobench' };
  if (text !== null && looksLikeEscapes(text)) return { format: 'escapes' };
  if (text !== null && (looksLikePerfScript(text) || looksLikePerfScriptWithoutStacks(text))) return { format: 'perf-script' };
  if (text !== null && looksLikeFolded(text)) return { format: 'folded' };
  const sample = head.subarray(0, 4096);
  const printable = sample.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  if (printable > sample.length * 0.95) {
    const first = /^[^\n]*/.exec(decodeTextHead(head.subarray(0, 4096)))![0].replace(/\r$/, '');
    return { format: null, reason: `this is a text file, not a profile or log gpw reads (none of its formats fits; line 1 is ${quoteInput(first)})` };
  }
  if (PPROF_FIRST_TAGS.has(head[0])) return { format: 'pprof' };
  return { format: null, reason: 'this is not a pprof profile (.pb.gz or .pb): unrecognised binary data' };
}

// A goroutine dump: debug=2 / a panic's goroutines ("goroutine N [state]:" first, or after a
// "panic:", "fatal error:" or "SIGQUIT:" preamble), or a debug=1 stack-count profile other than
// threadcreate's ("goroutine profile: total N", goroutineleak, custom pprof.NewProfile ones).
function looksLikeGoroutineDump(head: Uint8Array): boolean {
  const text = ascii(head, 4096).replace(/^\s+/, '');
  if (/^goroutine \d+ (?:gp=\S+ m=\S+(?: mp=\S+)? )?\[[^\]\n]*\]:\r?\n/.test(text)) return true;
  if (/^(?:panic: |fatal error: |SIGQUIT: )/.test(text) && /^goroutine \d+ (?:gp=\S+ m=\S+(?: mp=\S+)? )?\[[^\]\n]*\]:\r?$/m.test(text)) return true;
  const m = /^([\w.-]+) profile: total \d+\r?\n(?:\d+ @|$)/.exec(text);
  return m !== null && m[1] !== 'threadcreate';
}

// gperftools' binary CPU profile header: words 0, 3, version (0, or 1 as Java writes it), period,
// in 32- or 64-bit little endian.
function isLegacyCpuProfile(head: Uint8Array): boolean {
  if (head.length < 40) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const w64 = (i: number): bigint => v.getBigUint64(i * 8, true);
  const w32 = (i: number): number => v.getUint32(i * 4, true);
  if (w64(0) === 0n && w64(1) === 3n && w64(2) <= 1n && w64(3) > 0n) return true;
  return w32(0) === 0 && w32(1) === 3 && w32(2) <= 1 && w32(3) > 0;
}

// expvar's /debug/vars: a JSON object holding the standard "cmdline" or "memstats" vars.
function isExpvarJson(head: Uint8Array): boolean {
  const text = ascii(head, 4096);
  return /^\s*\{/.test(text) && /"(?:cmdline|memstats)"\s*:/.test(text);
}

// Prometheus text exposition: starts with a # HELP or # TYPE line for a metric name.
function isPrometheusText(head: Uint8Array): boolean {
  return /^\s*# (?:HELP|TYPE) [A-Za-z_:][A-Za-z0-9_:]* /.test(ascii(head, 512));
}
