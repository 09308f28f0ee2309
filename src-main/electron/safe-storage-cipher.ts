// Targets' request headers sealed with the OS keychain through Electron's safeStorage
// (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux). When the OS offers no
// real encryption (safeStorage falls back to a hard-coded key on Linux without a keyring),
// gpw keeps headers in memory for the session instead: returns undefined.

import { safeStorage } from 'electron';
import type { SecretCipher } from '../collect/secret-store.js';

export function safeStorageCipher(): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
