// Types for harness.mjs (used from the TypeScript tests).
export function buildPprofServer(toolchain?: string): Promise<string>;
export function startPprofServer(bin: string, flags?: string[], timeoutMs?: number): Promise<{ url: string; pid: number; stop: () => Promise<void> }>;
export function buildGoService(dir: string, name: string, toolchain?: string, extraEnv?: Record<string, string>): Promise<string>;
export function startGoService(bin: string, flags: string[], timeoutMs: number, name: string, onLine?: (line: string) => void): Promise<{ url: string; pid: number; stop: () => Promise<void> }>;
