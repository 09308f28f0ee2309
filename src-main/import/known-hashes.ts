// SHA-256 addresses of byte buffers another thread has hashed already: gpw import's big file read
// ahead (import/shared-read.ts) is hashed by the profile worker while it waits for the entry's
// gunzip (workers/profile-worker.ts: startReadAhead), so that the main thread, which by then runs
// beside the scan's two threads, does not hash it again (library/blobs.ts: sha256Hex). Kept per
// buffer object: only those very bytes (shared memory nobody writes) have that address.

const known = new WeakMap<Uint8Array, string>();

/** `hex`: the SHA-256 of exactly these bytes, as sha256Hex would compute it. */
export function rememberSha256(bytes: Uint8Array, hex: string): void {
  known.set(bytes, hex);
}

export function knownSha256(bytes: Uint8Array): string | undefined {
  return known.get(bytes);
}
