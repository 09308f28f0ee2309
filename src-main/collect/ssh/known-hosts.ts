// known_hosts as OpenSSH reads it: plain and hashed (|1|salt|HMAC-SHA1) host names, [host]:port
// for ports other than 22, wildcard and negated patterns, @revoked markers. gpw checks a server's
// key against the user's ~/.ssh/known_hosts and its own file, and records consented keys in its own.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { globMatch } from './glob-match.js';

export interface HostKey {
  /** The key's algorithm name as in the key blob (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …). */
  type: string;
  /** The raw public key blob. */
  blob: Buffer;
}

export type HostKeyVerdict =
  | { status: 'known'; file: string; line: number }
  | { status: 'unknown'; otherTypesKnown: string[] }
  | { status: 'changed'; file: string; line: number }
  | { status: 'revoked'; file: string; line: number };

interface Entry {
  file: string;
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  hosts: string;
  type: string;
  blob: Buffer;
}

/** "SHA256:…" as ssh-keygen -l prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The algorithm name at the start of an SSH public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** The name a host is recorded under: host, or [host]:port for ports other than 22. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function parseFile(file: string): Entry[] {
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: Entry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as Entry['marker'];
    if (fields.length < 3) return;
    const blob = Buffer.from(fields[2], 'base64');
    if (blob.length === 0) return;
    entries.push({ file, line: i + 1, marker, hosts: fields[0], type: fields[1], blob });
  });
  return entries;
}

function hashedMatch(field: string, names: string[]): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = parts[3];
  return names.some((n) => createHmac('sha1', salt).update(n).digest('base64') === want);
}

/** Whether a known_hosts host field names this host (any of `names`), as OpenSSH decides. */
export function hostFieldMatches(field: string, names: string[]): boolean {
  if (field.startsWith('|')) return hashedMatch(field, names);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (names.some((n) => globMatch(p, n, true))) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * Checks a server's key for host:port against known_hosts files (first the user's, then gpw's).
 * A recorded key of the same type that differs means the key changed: refused, as OpenSSH does.
 */
export function checkHostKey(files: string[], host: string, port: number, key: HostKey): HostKeyVerdict {
  const names = [hostToken(host, port)];
  const entries = files.flatMap(parseFile).filter((e) => e.marker !== '@cert-authority' && hostFieldMatches(e.hosts, names));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.blob.equals(key.blob));
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === '');
  const same = plain.find((e) => e.type === key.type && e.blob.equals(key.blob));
  if (same) return { status: 'known', file: same.file, line: same.line };
  const changed = plain.find((e) => e.type === key.type);
  if (changed) return { status: 'changed', file: changed.file, line: changed.line };
  return { status: 'unknown', otherTypesKnown: [...new Set(plain.map((e) => e.type))] };
}

/** Key types recorded for a host, so the client can ask the server for a key it can check. */
export function knownKeyTypes(files: string[], host: string, port: number): string[] {
  const names = [hostToken(host, port)];
  return [...new Set(files.flatMap(parseFile).filter((e) => e.marker === '' && hostFieldMatches(e.hosts, names)).map((e) => e.type))];
}

/** Records a consented key, hashed as `ssh-keygen -H` writes it (the file does not list host names). */
export function recordHostKey(file: string, host: string, port: number, key: HostKey): void {
  mkdirSync(dirname(file), { recursive: true });
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(hostToken(host, port)).digest('base64');
  appendFileSync(file, `|1|${salt.toString('base64')}|${hash} ${key.type} ${key.blob.toString('base64')}\n`, { mode: 0o600 });
}
