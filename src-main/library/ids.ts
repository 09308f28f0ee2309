// Ids of library rows: 12 hex digits from the OS's random source.

import { randomBytes } from 'node:crypto';

export function newId(): string {
  return randomBytes(6).toString('hex');
}
