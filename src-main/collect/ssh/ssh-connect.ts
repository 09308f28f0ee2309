// Opens an SSH connection (ssh2) the way OpenSSH would for a resolved host: through its
// ProxyJump hosts, checking each host key against known_hosts (an unknown key needs the caller's
// consent by fingerprint, a changed or revoked key is refused), and authenticating by ssh-agent,
// key files (an encrypted key asks for its passphrase) or a password. Secrets live only in memory.

import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import ssh2, { type AnyAuthMethod, type AuthenticationType, type Client, type ParsedKey } from 'ssh2';
import type { Duplex } from 'node:stream';
import { GpwError } from '../../api/errors.js';
import { checkHostKey, fingerprint, keyTypeOf, knownKeyTypes, recordHostKey, hostToken, type HostKey } from './known-hosts.js';
import { forwardThrough, SshConnection } from './ssh-connection.js';

/** One hop: where to connect and as whom. */
export interface HopSpec {
  /** What the user called it (alias or host), for messages. */
  label: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
}

export interface ConnectSecrets {
  /** The fingerprint the user accepted for an unknown host key (SHA256:…). */
  acceptHostKey?: string;
  passphrase?: string;
  password?: string;
}

export interface ConnectEnvironment {
  /** known_hosts files to check, in order (the user's, then gpw's own). */
  knownHostsFiles: string[];
  /** Where consented keys are recorded. */
  recordTo: string;
  /** ssh-agent socket ($SSH_AUTH_SOCK), if any. */
  agentSocket?: string;
  readyTimeoutMs?: number;
}

export type ConnectOutcome =
  | { status: 'connected'; connection: SshConnection }
  | { status: 'host_key_unknown'; host: string; keyType: string; fingerprint: string; otherTypesKnown: string[] }
  | { status: 'needs_passphrase'; keyFile: string }
  | { status: 'needs_password'; host: string };

const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Host key algorithms with those whose key type is already recorded first, as OpenSSH orders them. */
function hostKeyAlgorithms(known: string[]): string[] {
  const keyType = (alg: string): string => (alg.startsWith('rsa-sha2-') ? 'ssh-rsa' : alg);
  return [...HOST_KEY_ALGORITHMS].sort((a, b) => Number(known.includes(keyType(b))) - Number(known.includes(keyType(a))));
}

// ssh2 is CommonJS: its members come from the default export.
const { Client: SshClient, utils } = ssh2;

interface KeyChoice {
  keys: { file: string; key: ParsedKey }[];
  /** An encrypted key for which no (or no working) passphrase was given. */
  locked: string | null;
}

function loadKeys(files: string[], passphrase: string | undefined): KeyChoice {
  const keys: KeyChoice['keys'] = [];
  let locked: string | null = null;
  for (const file of files) {
    if (!existsSync(file)) continue;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      continue;
    }
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error && /passphrase|encrypt/i.test(parsed.message)) {
      if (passphrase === undefined) {
        locked ??= file;
        continue;
      }
      parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) throw new GpwError('invalid_argument', `the passphrase for ${basename(file)} is wrong`);
    }
    if (parsed instanceof Error) continue; // not a private key we can use
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key) keys.push({ file, key });
  }
  return { keys, locked };
}

interface HopResult {
  client?: Client;
  outcome?: Exclude<ConnectOutcome, { status: 'connected' }>;
}

/** Connects one hop (over `sock` when it follows a jump host). */
function connectHop(hop: HopSpec, secrets: ConnectSecrets, env: ConnectEnvironment, sock: Duplex | undefined): Promise<HopResult> {
  const { keys, locked } = loadKeys(hop.identityFiles, secrets.passphrase);
  // "none" first, as OpenSSH: the server's answer lists the methods it accepts.
  const methods: AnyAuthMethod[] = [{ type: 'none', username: hop.user }];
  if (env.agentSocket) methods.push({ type: 'agent', username: hop.user, agent: env.agentSocket });
  for (const k of keys) methods.push({ type: 'publickey', username: hop.user, key: k.key });
  if (secrets.password !== undefined) methods.push({ type: 'password', username: hop.user, password: secrets.password });
  const target = hostToken(hop.hostName, hop.port);
  const triedTypes = [...new Set(methods.filter((m) => m.type !== 'none').map((m) => m.type))];

  return new Promise((resolve, reject) => {
    const client = new SshClient();
    let hostKeyProblem: HopResult['outcome'] | GpwError | null = null;
    let serverMethods: AuthenticationType[] = [];
    let settled = false;
    const settle = (fn: () => void): void => {
      if (!settled) {
        settled = true;
        fn();
      }
    };

    client.once('ready', () => settle(() => resolve({ client })));
    client.once('error', (err: Error & { level?: string }) => {
      client.end();
      settle(() => {
        if (hostKeyProblem instanceof GpwError) return reject(hostKeyProblem);
        if (hostKeyProblem) return resolve({ outcome: hostKeyProblem });
        if (err.level === 'client-authentication') {
          if (locked) return resolve({ outcome: { status: 'needs_passphrase', keyFile: basename(locked) } });
          if (secrets.password === undefined && serverMethods.includes('password')) return resolve({ outcome: { status: 'needs_password', host: hop.label } });
          const tried = triedTypes.length === 0 ? 'no ssh-agent, key file or password to try' : `tried ${triedTypes.join(', ')}`;
          return reject(new GpwError('unavailable', `${hop.label}: authentication as ${hop.user} failed (${tried})`));
        }
        reject(new GpwError('unavailable', `${hop.label} (${target}): ${err.message}`));
      });
    });
    client.once('close', () => settle(() => reject(new GpwError('unavailable', `${hop.label} (${target}): the connection closed during the handshake`))));

    client.connect({
      host: hop.hostName,
      port: hop.port,
      username: hop.user,
      sock,
      readyTimeout: env.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
      algorithms: { serverHostKey: hostKeyAlgorithms(knownKeyTypes(env.knownHostsFiles, hop.hostName, hop.port)) as never },
      hostVerifier: (blob: Buffer): boolean => {
        const key: HostKey = { type: keyTypeOf(blob), blob };
        const fp = fingerprint(blob);
        const verdict = checkHostKey(env.knownHostsFiles, hop.hostName, hop.port, key);
        if (verdict.status === 'known') return true;
        if (verdict.status === 'changed' || verdict.status === 'revoked') {
          hostKeyProblem = new GpwError(
            'unavailable',
            verdict.status === 'changed'
              ? `WARNING: the ${key.type} host key of ${hop.label} (${target}) has CHANGED: it is now ${fp}, not the key recorded in ${verdict.file} line ${verdict.line}. ` +
                  'Someone may be intercepting the connection, or the host was reinstalled. gpw refuses to connect; if the change is expected, remove the old key (ssh-keygen -R) and connect again.'
              : `WARNING: the host key ${fp} of ${hop.label} (${target}) is marked @revoked in ${verdict.file} line ${verdict.line}; gpw refuses to connect.`,
          );
          return false;
        }
        if (secrets.acceptHostKey === fp) {
          try {
            recordHostKey(env.recordTo, hop.hostName, hop.port, key);
          } catch (err) {
            hostKeyProblem = new GpwError('unavailable', `${env.recordTo}: cannot record the accepted host key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
            return false;
          }
          return true;
        }
        hostKeyProblem = { status: 'host_key_unknown', host: target, keyType: key.type, fingerprint: fp, otherTypesKnown: verdict.otherTypesKnown };
        return false;
      },
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft) serverMethods = methodsLeft;
        const m = methods.shift();
        if (!m) return next(false as never);
        next(m);
      },
    });
  });
}

/** Connects through each jump host in turn, then to the target. */
export async function connectHops(hops: HopSpec[], secrets: ConnectSecrets, env: ConnectEnvironment): Promise<ConnectOutcome> {
  const clients: Client[] = [];
  const closeAll = (): void => clients.forEach((c) => c.end());
  let sock: Duplex | undefined;
  try {
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i];
      const r = await connectHop(hop, secrets, env, sock);
      if (r.outcome) {
        closeAll();
        return r.outcome;
      }
      clients.push(r.client!);
      const next = hops[i + 1];
      if (next) sock = await forwardThrough(r.client!, next.hostName, next.port, hop.label);
    }
  } catch (err) {
    closeAll();
    throw err;
  }
  const target = hops[hops.length - 1];
  return { status: 'connected', connection: new SshConnection(target.label, clients) };
}
