// Runs a program on a remote host with GODEBUG=gctrace=1 (and a chosen GOGC / GOMEMLIMIT) for
// up to N seconds and keeps its stderr: the gctrace log the GC what-if views read. The program
// and its arguments travel as separate quoted words, never as a shell line.

import { GpwError } from '../../api/errors.js';
import type { SshGcRunOptions } from '../../api/ssh-types.js';
import { checkedInt, scriptCommand } from './remote-command.js';
import { runCancellable, type RemoteRunHooks } from './remote-run.js';
import type { SshConnection } from './ssh-connection.js';

export const MAX_GC_RUN_SECONDS = 24 * 3600;
const MAX_LOG_BYTES = 256 * 1024 * 1024;
const GC_LINE = /^gc \d+ @/;

// $1 seconds, $2 GODEBUG, $3 GOGC or "", $4 GOMEMLIMIT or "", then the program and its arguments.
const RUN_SCRIPT = `
s=$1; g=$2; c=$3; m=$4; shift 4
t=
trap 'if [ -n "$t" ]; then kill -TERM "$t" 2>/dev/null; wait "$t" 2>/dev/null; fi; exit 143' TERM INT HUP
echo "gpw-shell $$" >&2
export GODEBUG="$g"
if [ -n "$c" ]; then export GOGC="$c"; fi
if [ -n "$m" ]; then export GOMEMLIMIT="$m"; fi
if ! command -v "$1" >/dev/null 2>&1; then echo "gpw-error $1: command not found" >&2; exit 127; fi
echo "gpw-phase running" >&2
timeout -s INT -k 10 "$s" "$@" </dev/null >/dev/null &
t=$!
wait "$t"
rc=$?
t=
echo "gpw-exit $rc" >&2
exit 0
`;

export function checkGcRunOptions(o: SshGcRunOptions): { godebug: string; gogc: string; gomemlimit: string } {
  checkedInt('seconds', o.seconds, 1, MAX_GC_RUN_SECONDS);
  if (o.argv.length === 0 || o.argv[0] === '') throw new GpwError('invalid_argument', 'give the program to run');
  const godebug = o.godebug ?? 'gctrace=1';
  if (!/^[a-z0-9_]+=[A-Za-z0-9_.]+(,[a-z0-9_]+=[A-Za-z0-9_.]+)*$/.test(godebug)) throw new GpwError('invalid_argument', 'GODEBUG must be name=value pairs separated by commas');
  if (!/(^|,)gctrace=[12](,|$)/.test(godebug)) throw new GpwError('invalid_argument', 'GODEBUG must turn on gctrace (gctrace=1)');
  const gogc = o.gogc ?? '';
  if (gogc !== '' && !/^(off|\d{1,6})$/.test(gogc)) throw new GpwError('invalid_argument', 'GOGC must be a percentage (e.g. 100) or off');
  const gomemlimit = o.gomemlimit ?? '';
  if (gomemlimit !== '' && !/^(off|\d{1,19}(B|KiB|MiB|GiB|TiB)?)$/.test(gomemlimit)) throw new GpwError('invalid_argument', 'GOMEMLIMIT must be a byte count with an optional unit (B, KiB, MiB, GiB, TiB), e.g. 512MiB, or off');
  return { godebug, gogc, gomemlimit };
}

export interface GcRunOutput {
  /** The program's stderr (gctrace lines and whatever else it wrote). */
  log: Uint8Array;
  cycles: number;
  exitStatus: number | null;
  /** The program ran until the time limit (and was stopped), rather than ending by itself. */
  stoppedAtLimit: boolean;
}

export async function runWithGcTrace(conn: SshConnection, o: SshGcRunOptions, hooks: RemoteRunHooks): Promise<GcRunOutput> {
  const env = checkGcRunOptions(o);
  const lines: string[] = [];
  let bytes = 0;
  let cycles = 0;
  let exitStatus: number | null = null;
  let failure: string | null = null;
  const started = Date.now();
  const ticker = setInterval(() => hooks.onPhase?.('running', Math.min(0.95, (Date.now() - started) / (o.seconds * 1000)), bytes), 500);
  try {
    const r = await runCancellable(conn, scriptCommand(RUN_SCRIPT, [o.seconds, env.godebug, env.gogc, env.gomemlimit, ...o.argv]), {
      timeoutMs: (o.seconds + 60) * 1000,
      maxStdout: 1 << 20,
      signal: hooks.signal,
      onControl: (word, rest) => {
        if (word === 'exit') exitStatus = Number(rest);
        if (word === 'error') failure = rest;
      },
      onStderrLine: (line) => {
        if (bytes + line.length + 1 > MAX_LOG_BYTES) return;
        lines.push(line);
        bytes += line.length + 1;
        if (GC_LINE.test(line)) cycles++;
      },
    });
    if (failure || r.code !== 0) throw new GpwError('unavailable', `${conn.label}: ${failure ?? `the run ended with status ${r.code ?? r.signal}`}`);
  } finally {
    clearInterval(ticker);
  }
  if (cycles === 0) {
    const tail = lines.slice(-5).join('\n');
    throw new GpwError('bad_input', `${conn.label}: ${o.argv[0]} wrote no gctrace lines in ${o.seconds} s (exit status ${exitStatus ?? 'unknown'})${tail ? `; its last output:\n${tail}` : ''}`);
  }
  return { log: new TextEncoder().encode(lines.join('\n') + '\n'), cycles, exitStatus, stoppedAtLimit: exitStatus === 124 || exitStatus === 130 };
}
