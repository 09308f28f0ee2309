// Runs one of gpw's remote scripts that report on stderr with "gpw-WORD …" control lines
// ("gpw-shell PID" first), and cancels it the way that works for any user, root included: a
// second channel runs `kill -TERM PID` (OpenSSH does not deliver channel signals to every
// session), the script's trap stops its children and removes its temp folder, then exits.

import { GpwError } from '../../api/errors.js';
import type { SshJobPhase } from '../../api/ssh-types.js';
import { scriptCommand } from './remote-command.js';
import type { ExecResult, SshConnection } from './ssh-connection.js';

export interface RemoteRunHooks {
  signal?: AbortSignal;
  onPhase?: (phase: SshJobPhase, fraction: number, bytes: number) => void;
}

export interface CancellableOptions {
  timeoutMs: number;
  maxStdout?: number;
  signal?: AbortSignal;
  /** A control line "gpw-WORD REST" (other than gpw-shell). */
  onControl?: (word: string, rest: string) => void;
  /** Every other stderr line, as it arrives. */
  onStderrLine?: (line: string) => void;
  onStdoutBytes?: (total: number) => void;
}

const KILL_SCRIPT = 'kill -TERM "$1" 2>/dev/null; exit 0';
/** How long a cancelled script may take to clean up before gpw closes its channel. */
const CLEANUP_GRACE_MS = 15_000;

export async function runCancellable(conn: SshConnection, command: string, opts: CancellableOptions): Promise<ExecResult> {
  let shellPid: number | null = null;
  let cancelled = false;
  let killSent = false;
  const local = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;

  const sendKill = (): void => {
    if (killSent || shellPid === null) return;
    killSent = true;
    conn.exec(scriptCommand(KILL_SCRIPT, [shellPid]), { timeoutMs: 10_000 }).catch(() => local.abort());
    graceTimer = setTimeout(() => local.abort(), CLEANUP_GRACE_MS);
  };
  const onAbort = (): void => {
    cancelled = true;
    if (shellPid === null) graceTimer = setTimeout(() => local.abort(), CLEANUP_GRACE_MS);
    sendKill();
  };
  if (opts.signal?.aborted) throw new GpwError('unavailable', 'cancelled');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  let pending = '';
  let outBytes = 0;
  try {
    const result = await conn.exec(command, {
      timeoutMs: opts.timeoutMs,
      maxStdout: opts.maxStdout,
      signal: local.signal,
      onStdout: (chunk) => {
        outBytes += chunk.length;
        opts.onStdoutBytes?.(outBytes);
      },
      onStderr: (text) => {
        pending += text;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const m = /^gpw-([a-z]+) ?(.*)$/.exec(line);
          if (m && m[1] === 'shell' && shellPid === null && /^\d+$/.test(m[2])) {
            shellPid = Number(m[2]);
            if (cancelled) sendKill();
          } else if (m) opts.onControl?.(m[1], m[2]);
          else opts.onStderrLine?.(line);
        }
        if (pending.length > 1 << 20) pending = ''; // a line this long is not a gctrace or control line
      },
    });
    if (pending) opts.onStderrLine?.(pending);
    if (cancelled) throw new GpwError('unavailable', 'cancelled');
    return result;
  } catch (err) {
    if (cancelled) throw new GpwError('unavailable', 'cancelled');
    throw err;
  } finally {
    clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
