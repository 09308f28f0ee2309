// Types for make-big-profile.mjs (used from the TypeScript tests).
export const BIG_PROFILE_SAMPLES: number;
export function bigProfileDir(samples?: number): string;
export function makeBigProfile(samples?: number, opts?: { log?: (msg: string) => void; outDir?: string; shuffled?: boolean }): Promise<string>;
export class GoMissingError extends Error {}
export const WIDE_FLAME_ARGS: string[];
export function makeWideFlameProfile(opts?: { log?: (msg: string) => void }): Promise<string>;
