// Types for seeded-random.mjs (used from the TypeScript tests).
export function seededRandom(seed: number): () => number;
