// The process list of a connected host (ps: pid, user, %CPU, RSS, command) with Go programs
// marked: each distinct executable's ELF sections are read over SFTP (/proc/PID/exe).

import type { SshProcess } from '../../api/ssh-types.js';
import { readBinaryInfo, type BinaryInfo } from './elf-info.js';
import { scriptCommand } from './remote-command.js';
import type { SshConnection } from './ssh-connection.js';

const LIST_SCRIPT = `
ps -eo pid=,user:32=,pcpu=,rss=,args= 2>/dev/null || ps -eo pid=,user=,pcpu=,rss=,args=
echo "--gpw-$1--"
for d in /proc/[0-9]*; do
  e=$(readlink "$d/exe" 2>/dev/null) && printf '%s %s\\n' "\${d#/proc/}" "$e"
done
exit 0
`;

const MAX_PROCESSES = 5000;
const MAX_BINARIES = 300;
const PARALLEL_READS = 8;

/** Parses the ps part: "pid user pcpu rss args…" per line. */
export function parsePsLines(text: string): Omit<SshProcess, 'exe' | 'isGo' | 'goVersion' | 'hasSymbols'>[] {
  const rows = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+([\d.]+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    rows.push({ pid: Number(m[1]), user: m[2], cpuPercent: Number(m[3]), rssKiB: Number(m[4]), command: m[5].slice(0, 4096) });
    if (rows.length >= MAX_PROCESSES) break;
  }
  return rows;
}

export async function listProcesses(conn: SshConnection): Promise<SshProcess[]> {
  // The marker is built from an argument: the script's own text (in ps's listing) does not contain it.
  const r = await conn.exec(scriptCommand(LIST_SCRIPT, ['exe']), { timeoutMs: 30_000, maxStdout: 16 << 20 });
  const text = r.stdout.toString('utf8');
  const [psPart, exePart = ''] = text.split('--gpw-exe--');
  const exeOf = new Map<number, string>();
  for (const line of exePart.split('\n')) {
    const m = /^(\d+) (.+)$/.exec(line);
    if (m) exeOf.set(Number(m[1]), m[2]);
  }
  const rows = parsePsLines(psPart);
  // One read per distinct executable, through a pid that runs it.
  const pidFor = new Map<string, number>();
  for (const p of rows) {
    const exe = exeOf.get(p.pid);
    if (exe && !pidFor.has(exe) && pidFor.size < MAX_BINARIES) pidFor.set(exe, p.pid);
  }
  const info = new Map<string, BinaryInfo | null>();
  const queue = [...pidFor];
  await Promise.all(
    Array.from({ length: PARALLEL_READS }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const [exe, pid] = item;
        info.set(exe, await binaryInfoOf(conn, `/proc/${pid}/exe`));
      }
    }),
  );
  return rows.map((p) => {
    const exe = exeOf.get(p.pid) ?? null;
    const bi = exe ? info.get(exe) ?? null : null;
    return { ...p, exe, isGo: bi ? bi.isGo : null, goVersion: bi?.goVersion ?? null, hasSymbols: bi ? bi.hasSymbols : null };
  });
}

/** ELF facts of a remote file, or null when it cannot be read (another user's process) or is not ELF. */
export async function binaryInfoOf(conn: SshConnection, path: string): Promise<BinaryInfo | null> {
  try {
    return await readBinaryInfo((offset, length) => conn.readRange(path, offset, length));
  } catch {
    return null;
  }
}
