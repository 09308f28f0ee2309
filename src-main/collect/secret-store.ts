// Where a target's request headers (Authorization …) are kept. Never in plain text in SQLite:
// in Electron they are sealed with the OS keychain (safeStorage, src-main/electron/) and the
// sealed bytes are kept with the target; in gpw serve and the CLI, where no keychain is
// reachable, they live only in this process's memory for the session.

export type Headers = Record<string, string>;

export interface SecretStore {
  readonly storage: 'os-keychain' | 'session-memory';
  readonly note: string;
  set(targetId: string, headers: Headers): void;
  /** The headers, or {} when none are kept (or a session ended). */
  get(targetId: string): Headers;
  delete(targetId: string): void;
}

/** Encrypts with a key the OS holds (Electron's safeStorage). */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/** Where sealed bytes are persisted (the collect store's target_secrets table). */
export interface SealedSecrets {
  putSealed(targetId: string, sealed: Buffer): void;
  getSealed(targetId: string): Buffer | null;
  deleteSealed(targetId: string): void;
}

export class MemorySecretStore implements SecretStore {
  readonly storage = 'session-memory' as const;
  readonly note = 'Request headers are kept in memory for this session only (no OS keychain here); enter them again after a restart.';
  private readonly map = new Map<string, Headers>();

  set(targetId: string, headers: Headers): void {
    if (Object.keys(headers).length === 0) this.map.delete(targetId);
    else this.map.set(targetId, { ...headers });
  }

  get(targetId: string): Headers {
    return { ...(this.map.get(targetId) ?? {}) };
  }

  delete(targetId: string): void {
    this.map.delete(targetId);
  }
}

export class SealedSecretStore implements SecretStore {
  readonly storage = 'os-keychain' as const;
  readonly note = 'Request headers are encrypted with the OS keychain before they are saved.';

  constructor(
    private readonly cipher: SecretCipher,
    private readonly sealed: SealedSecrets,
  ) {}

  set(targetId: string, headers: Headers): void {
    if (Object.keys(headers).length === 0) this.sealed.deleteSealed(targetId);
    else this.sealed.putSealed(targetId, this.cipher.encrypt(JSON.stringify(headers)));
  }

  get(targetId: string): Headers {
    const sealed = this.sealed.getSealed(targetId);
    if (!sealed) return {};
    return JSON.parse(this.cipher.decrypt(sealed)) as Headers;
  }

  delete(targetId: string): void {
    this.sealed.deleteSealed(targetId);
  }
}
