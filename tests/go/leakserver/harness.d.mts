// Types for harness.mjs (used from the TypeScript tests).
export interface Served { what: string; at: number; values: Record<string, number> }
export function buildLeakServer(): Promise<string>;
export function startLeakServer(bin: string, flags?: string[], timeoutMs?: number): Promise<{ url: string; pid: number; served: Served[]; stop: () => Promise<void> }>;
