// perf on a remote host: a preflight that says what would block recording (and how to fix it),
// and a recording run: `perf record` for N seconds under `timeout`, `perf script` on the host,
// gzip on the way back. The remote script cleans its temp folder on every exit, and stops its
// perf when told (cancel sends SIGTERM to the script over a second channel).

import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { GpwError } from '../../api/errors.js';
import { PERF_CALL_GRAPHS, PERF_EVENTS, type PerfPreflight, type PreflightCheck, type SshPerfOptions } from '../../api/ssh-types.js';
import { binaryInfoOf } from './processes.js';
import { allowed, checkedInt, scriptCommand } from './remote-command.js';
import type { SshConnection } from './ssh-connection.js';
import { runCancellable, type RemoteRunHooks } from './remote-run.js';

const gunzipAsync = promisify(gunzip);

export const MAX_PERF_SECONDS = 3600;
/** Largest perf script text accepted (the import's own limit). */
const MAX_SCRIPT_BYTES = 512 * 1024 * 1024;
const MAX_COMPRESSED_BYTES = 256 * 1024 * 1024;
const MAX_PID = 4_194_304;

// $1: pid or empty.
const PREFLIGHT_SCRIPT = `
p=$(command -v perf 2>/dev/null)
echo "perf=$p"
if [ -n "$p" ]; then echo "perfversion=$(perf --version 2>&1 | head -n 1)"; fi
echo "paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)"
echo "kptr=$(cat /proc/sys/kernel/kptr_restrict 2>/dev/null)"
echo "uid=$(id -u)"
echo "timeout=$(command -v timeout 2>/dev/null)"
echo "gzip=$(command -v gzip 2>/dev/null)"
if [ -n "$1" ]; then
  if [ -d "/proc/$1" ]; then echo "alive=1"; else echo "alive=0"; fi
  echo "exe=$(readlink "/proc/$1/exe" 2>/dev/null)"
  echo "owner=$(stat -c %u "/proc/$1" 2>/dev/null)"
fi
exit 0
`;

function parseKeyValues(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) m.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return m;
}

const intOrNull = (s: string | undefined): number | null => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null);

export async function perfPreflight(conn: SshConnection, opts: { pid?: number; systemWide?: boolean }): Promise<PerfPreflight> {
  const pid = opts.pid === undefined ? '' : checkedInt('pid', opts.pid, 1, MAX_PID);
  const r = await conn.exec(scriptCommand(PREFLIGHT_SCRIPT, [pid]), { timeoutMs: 20_000 });
  const kv = parseKeyValues(r.stdout.toString('utf8'));
  const perfPath = kv.get('perf') || null;
  const perfVersion = kv.get('perfversion') || null;
  const paranoid = intOrNull(kv.get('paranoid'));
  const kptr = intOrNull(kv.get('kptr'));
  const uid = intOrNull(kv.get('uid'));
  const root = uid === 0;
  const checks: PreflightCheck[] = [];
  const host = conn.label;

  if (!perfPath) {
    checks.push({ level: 'block', what: `perf is not installed on ${host}`, advice: 'install it: apt-get install linux-perf (Debian), linux-tools-$(uname -r) (Ubuntu), dnf install perf (Fedora/RHEL)' });
  } else if (!perfVersion || !/^perf version/.test(perfVersion)) {
    checks.push({ level: 'block', what: `perf on ${host} does not run: ${perfVersion ?? 'no version'}`, advice: 'install the perf package matching the running kernel (e.g. linux-tools-$(uname -r) on Ubuntu)' });
  } else {
    checks.push({ level: 'ok', what: perfVersion });
  }
  for (const tool of ['timeout', 'gzip'] as const) {
    if (!kv.get(tool)) checks.push({ level: 'block', what: `${tool} is missing on ${host}`, advice: `gpw needs ${tool} (coreutils / gzip) on the host to bound and compress the recording` });
  }
  if (!root && paranoid !== null) {
    if (paranoid > 2) {
      checks.push({ level: 'block', what: `kernel.perf_event_paranoid is ${paranoid}: perf is disabled for users other than root`, advice: 'on the host: sudo sysctl kernel.perf_event_paranoid=1 (or 2 for user-space only), or connect as a user with CAP_PERFMON' });
    } else if (opts.systemWide && paranoid > 0) {
      checks.push({ level: 'block', what: `kernel.perf_event_paranoid is ${paranoid}: a system-wide recording needs 0 or lower (or root)`, advice: 'on the host: sudo sysctl kernel.perf_event_paranoid=0, or record one process (--pid)' });
    } else if (paranoid === 2) {
      checks.push({ level: 'warn', what: 'kernel.perf_event_paranoid is 2: only user-space frames are recorded (perf uses cpu-clock:u)', advice: 'for kernel frames: sudo sysctl kernel.perf_event_paranoid=1' });
    } else {
      checks.push({ level: 'ok', what: `kernel.perf_event_paranoid is ${paranoid}` });
    }
  }
  if (kptr !== null && kptr > 0 && !(root && kptr === 1)) {
    checks.push({ level: 'warn', what: `kernel.kptr_restrict is ${kptr}: kernel symbols are hidden, kernel frames show as addresses`, advice: 'on the host: sudo sysctl kernel.kptr_restrict=0 (Go frames are not affected)' });
  }

  let target: PerfPreflight['target'] = null;
  if (pid !== '') {
    const exe = kv.get('exe') || null;
    const owner = intOrNull(kv.get('owner'));
    const info = kv.get('alive') === '1' ? await binaryInfoOf(conn, `/proc/${pid}/exe`) : null;
    target = { pid, exe, uid: owner, isGo: info?.isGo ?? null, goVersion: info?.goVersion ?? null, hasSymbols: info?.hasSymbols ?? null };
    if (kv.get('alive') !== '1') {
      checks.push({ level: 'block', what: `no process ${pid} on ${host}` });
    } else if (!root && owner !== null && owner !== uid) {
      checks.push({ level: 'block', what: `process ${pid} belongs to uid ${owner}, not to the connected user (uid ${uid})`, advice: 'connect as its user or as root (or give the user CAP_PERFMON and CAP_SYS_PTRACE)' });
    } else if (!info) {
      checks.push({ level: 'warn', what: `the executable of process ${pid} cannot be read, so gpw cannot tell whether it has symbols` });
    } else {
      if (info.isGo) checks.push({ level: 'ok', what: `process ${pid} is a Go program${info.goVersion ? ` (${info.goVersion})` : ''}: -g (frame pointers) gives full stacks` });
      if (!info.hasSymbols) {
        checks.push({
          level: 'warn',
          what: `${exe ?? `process ${pid}`} is stripped (no .symtab): perf will show addresses instead of function names`,
          advice: info.isGo ? 'build without -ldflags="-s" (keep the symbol table)' : 'install its debug symbols, or a build with a symbol table',
        });
      } else {
        checks.push({ level: 'ok', what: `${exe ?? `process ${pid}`} has a symbol table` });
      }
    }
  }
  return { host, perfPath, perfVersion, paranoid, kptrRestrict: kptr, uid, target, checks, canRecord: !checks.some((c) => c.level === 'block') };
}

// $1 seconds, $2 frequency, $3 event, $4 call graph (fp|dwarf|lbr), $5 pid or "-a".
// Exit codes: 90 no temp folder, 91 perf record failed, 92 perf script failed, 143 cancelled.
const RECORD_SCRIPT = `
d=$(mktemp -d "\${TMPDIR:-/tmp}/gpw-perf.XXXXXXXX") || exit 90
t=
trap 'rm -rf "$d"' EXIT
trap 'if [ -n "$t" ]; then kill -TERM "$t" 2>/dev/null; wait "$t" 2>/dev/null; fi; exit 143' TERM INT HUP
echo "gpw-shell $$" >&2
if [ "$4" = fp ]; then g=-g; else g="--call-graph=$4"; fi
if [ "$5" = -a ]; then w=-a; else w="--pid=$5"; fi
echo "gpw-phase recording" >&2
timeout -s INT -k 10 "$1" perf record -N "$g" -F "$2" -e "$3" "$w" -o "$d/perf.data" >"$d/record.log" 2>&1 &
t=$!
wait "$t"
rc=$?
t=
if [ ! -s "$d/perf.data" ]; then
  echo "gpw-error perf record failed (exit $rc):" >&2
  tail -c 3000 "$d/record.log" >&2
  exit 91
fi
echo "gpw-phase converting" >&2
timeout -s TERM -k 10 600 perf script -i "$d/perf.data" -F comm,pid,tid,time,period,event,ip,sym,dso >"$d/script.txt" 2>"$d/script.log" &
t=$!
wait "$t"
rc=$?
t=
if [ "$rc" -ne 0 ]; then
  echo "gpw-error perf script failed (exit $rc):" >&2
  tail -c 3000 "$d/script.log" >&2
  exit 92
fi
echo "gpw-phase transferring $(wc -c <"$d/script.txt")" >&2
gzip -1 -c "$d/script.txt" &
t=$!
wait "$t"
`;

export interface PerfRecording {
  /** perf script text. */
  text: Uint8Array;
  command: string;
}

/** The perf record command line as the user would read it (for the artifact's source). */
export function perfCommandText(o: SshPerfOptions): string {
  const g = (o.callGraph ?? 'fp') === 'fp' ? '-g' : `--call-graph=${o.callGraph}`;
  return `perf record ${g} -F ${o.frequency ?? 99} -e ${o.event ?? 'cpu-clock'} ${o.systemWide ? '-a' : `-p ${o.pid}`} (${o.seconds} s)`;
}

export function checkPerfOptions(o: SshPerfOptions): void {
  if (o.systemWide && o.pid !== undefined) throw new GpwError('invalid_argument', 'give a pid or system-wide, not both');
  if (!o.systemWide && o.pid === undefined) throw new GpwError('invalid_argument', 'give a pid to record, or system-wide');
  if (o.pid !== undefined) checkedInt('pid', o.pid, 1, MAX_PID);
  checkedInt('seconds', o.seconds, 1, MAX_PERF_SECONDS);
  checkedInt('frequency', o.frequency ?? 99, 1, 50_000);
  allowed('event', o.event ?? 'cpu-clock', PERF_EVENTS);
  allowed('call graph', o.callGraph ?? 'fp', PERF_CALL_GRAPHS);
}

export async function recordPerf(conn: SshConnection, o: SshPerfOptions, hooks: RemoteRunHooks): Promise<PerfRecording> {
  checkPerfOptions(o);
  const args = [o.seconds, o.frequency ?? 99, o.event ?? 'cpu-clock', o.callGraph ?? 'fp', o.systemWide ? '-a' : o.pid!];
  let scriptBytes = 0;
  const recordStart = Date.now();
  const ticker = setInterval(() => hooks.onPhase?.('recording', Math.min(0.8, (0.8 * (Date.now() - recordStart)) / (o.seconds * 1000)), 0), 500);
  try {
    const r = await runCancellable(conn, scriptCommand(RECORD_SCRIPT, args), {
      timeoutMs: (o.seconds + 700) * 1000,
      maxStdout: MAX_COMPRESSED_BYTES,
      signal: hooks.signal,
      onControl: (word, rest) => {
        if (word === 'phase') {
          const [phase, size] = rest.split(' ');
          if (phase !== 'recording') clearInterval(ticker);
          if (phase === 'transferring') scriptBytes = Number(size) || 0;
          hooks.onPhase?.(phase as 'recording', phase === 'converting' ? 0.85 : phase === 'transferring' ? 0.9 : 0, 0);
        }
      },
      onStdoutBytes: (n) => hooks.onPhase?.('transferring', 0.9, n),
    });
    if (r.code !== 0) {
      const why = r.stderr.replace(/^gpw-(shell|phase) .*\n/gm, '').replace(/^gpw-error /m, '').trim();
      throw new GpwError('unavailable', `${conn.label}: ${why || `the recording script ended with status ${r.code ?? r.signal}`}`);
    }
    if (scriptBytes > MAX_SCRIPT_BYTES) throw new GpwError('too_large', `${conn.label}: perf script wrote ${scriptBytes} bytes; gpw imports up to ${MAX_SCRIPT_BYTES}`);
    let text: Buffer;
    try {
      text = await gunzipAsync(r.stdout, { maxOutputLength: MAX_SCRIPT_BYTES });
    } catch (err) {
      throw new GpwError('bad_input', `${conn.label}: the compressed perf script output is damaged (${(err as Error).message})`);
    }
    if (text.length === 0) throw new GpwError('bad_input', `${conn.label}: perf recorded no samples in ${o.seconds} s (is the process busy? try more seconds or a higher frequency)`);
    return { text, command: perfCommandText(o) };
  } finally {
    clearInterval(ticker);
  }
}
