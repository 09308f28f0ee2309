// ~/.ssh/config as OpenSSH reads it, for the options gpw uses: Host blocks with wildcard and
// negated patterns, the first value obtained wins, Include (relative to ~/.ssh, globs in the file
// name), Match blocks skipped. %h %p %r %u %d %% and ~ are expanded in IdentityFile.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { GpwError } from '../../api/errors.js';
import { globMatch } from './glob-match.js';

export interface ResolvedHost {
  /** The name the user typed (a Host alias or a host name). */
  alias: string;
  hostName: string;
  user: string | null;
  port: number;
  identityFiles: string[];
  /** Jump hosts in order ("none" cleared), each [user@]host[:port] or an alias. */
  proxyJump: string[];
  /** Identities only from IdentityFile (IdentitiesOnly yes). */
  identitiesOnly: boolean;
}

interface Block {
  patterns: string[];
  options: [string, string][];
}

const MAX_INCLUDE_DEPTH = 8;

export function parseSshConfig(text: string, sshDir: string, depth = 0): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  let skipping = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].trim();
    if (key === 'host') {
      blocks.push({ patterns: splitArgs(value), options: [] });
      skipping = false;
    } else if (key === 'match') {
      skipping = true; // Match conditions (exec, user, …) are not evaluated: their options are not applied
    } else if (skipping) {
      continue;
    } else if (key === 'include' && depth < MAX_INCLUDE_DEPTH) {
      for (const file of splitArgs(value).flatMap((p) => expandInclude(p, sshDir))) {
        const included = parseSshConfig(readConfigFile(file), sshDir, depth + 1);
        // An included file's top-level options belong to the block that includes it.
        blocks[blocks.length - 1].options.push(...included[0].options);
        blocks.push(...included.slice(1));
      }
    } else {
      blocks[blocks.length - 1].options.push([key, unquote(value)]);
    }
  }
  return blocks;
}

function splitArgs(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function expandInclude(pattern: string, sshDir: string): string[] {
  const path = pattern.startsWith('~/') ? join(dirname(sshDir), pattern.slice(2)) : isAbsolute(pattern) ? pattern : join(sshDir, pattern);
  const dir = dirname(path);
  const name = basename(path);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => globMatch(name, f))
    .sort()
    .map((f) => join(dir, f));
}

/** Whether a Host line's patterns select this name (a negated match excludes it). */
export function hostPatternsMatch(patterns: string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** Host aliases named literally (no wildcards) in the config: the hosts gpw lists. */
export function configuredHosts(blocks: Block[]): string[] {
  const names = new Set<string>();
  for (const b of blocks.slice(1)) for (const p of b.patterns) if (!/[*?!]/.test(p)) names.add(p);
  return [...names];
}

/** The options that apply to one host, as ssh -G would resolve the ones gpw uses. */
export function resolveHost(blocks: Block[], alias: string, localUser: string, homeDir: string): ResolvedHost {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const b of blocks) {
    if (!hostPatternsMatch(b.patterns, alias)) continue;
    for (const [k, v] of b.options) {
      if (k === 'identityfile') identityFiles.push(v);
      else if (!first.has(k)) first.set(k, v);
    }
  }
  const hostName = (first.get('hostname') ?? alias).replace(/%h/g, alias);
  const port = Number(first.get('port') ?? 22);
  const user = first.get('user') ?? null;
  const jump = first.get('proxyjump');
  const expand = (p: string): string =>
    p
      .replace(/%%/g, '\u0000')
      .replace(/%h/g, hostName)
      .replace(/%p/g, String(port))
      .replace(/%r/g, user ?? localUser)
      .replace(/%u/g, localUser)
      .replace(/%d/g, homeDir)
      .replace(/^~(?=\/|$)/, homeDir)
      .replace(/\u0000/g, '%');
  return {
    alias,
    hostName,
    user,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    identityFiles: identityFiles.map(expand),
    proxyJump: !jump || jump.toLowerCase() === 'none' ? [] : jump.split(',').map((s) => s.trim()).filter(Boolean),
    identitiesOnly: (first.get('identitiesonly') ?? 'no').toLowerCase() === 'yes',
  };
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new GpwError('bad_input', `${file}: cannot read the SSH config (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Reads and parses ~/.ssh/config (an absent file is an empty config). */
export function readSshConfig(sshDir: string): Block[] {
  const file = join(sshDir, 'config');
  if (!existsSync(file)) return parseSshConfig('', sshDir);
  return parseSshConfig(readConfigFile(file), sshDir);
}

/** Splits "[user@]host[:port]" (also "[v6addr]:port") into its parts. */
export function parseDestination(dest: string): { user: string | null; host: string; port: number | null } {
  const at = dest.lastIndexOf('@');
  const user = at > 0 ? dest.slice(0, at) : null;
  const rest = at > 0 ? dest.slice(at + 1) : dest;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { user, host: bracket[1], port: bracket[2] ? Number(bracket[2]) : null };
  const colon = /^([^:]+):(\d+)$/.exec(rest);
  if (colon) return { user, host: colon[1], port: Number(colon[2]) };
  return { user, host: rest, port: null };
}
