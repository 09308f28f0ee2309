// The single contract between every front end (Electron renderer, browser via gpw serve, CLI)
// and the engine. The preload, the IPC binding, the web bridge and the renderer client are all
// derived from `contract`'s method list; argument schemas validate untrusted input.

import { GpwError, errorBody, type Envelope } from './errors.js';
import { bytes, integer, object, oneOf, optional, string, stringMap, type Infer, type Schema } from './schema.js';
import type { Artifact, FlameGraph, ImportResult, LibraryInfo, ProfileMeta, TopTable } from './types.js';

/** Largest file the UI may hand over for import (the CLI reads files itself with the same cap). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
// Label keys become object keys: names of Object.prototype's members are refused.
const labelKey = string({ min: 1, max: 128, pattern: /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z0-9_.:/-]+$/ });
const labelValue = string({ max: 1024 });
const sampleType = string({ min: 1, max: 256 });
const none = object({});

interface Method<A, R> {
  args: Schema<A>;
  /** Phantom: the result type only. */
  result?: R;
}
const method = <A, R>(args: Schema<A>): Method<A, R> => ({ args });

const listArgs = object({
  kind: optional(oneOf(['profile', 'trace', 'perf', 'gclog', 'metrics'] as const)),
  subtype: optional(string({ max: 64 })),
  label: optional(string({ max: 1200 })),
  text: optional(string({ max: 1024 })),
  sort: optional(oneOf(['newest', 'oldest'] as const)),
  limit: optional(integer({ min: 1, max: 100000 })),
});
const importArgs = object({
  name: string({ min: 1, max: 1024 }),
  bytes: bytes(MAX_IMPORT_BYTES),
  labels: optional(stringMap(labelKey, labelValue)),
  run: optional(string({ min: 1, max: 256 })),
});
const topArgs = object({
  id,
  sampleType: optional(sampleType),
  nodecount: optional(integer({ min: 0, max: 100000 })),
  sort: optional(oneOf(['flat', 'cum'] as const)),
});

export const contract = {
  libraryInfo: method<Infer<typeof none>, LibraryInfo>(none),
  listArtifacts: method<Infer<typeof listArgs>, Artifact[]>(listArgs),
  getArtifact: method<{ id: string }, Artifact>(object({ id })),
  importFile: method<Infer<typeof importArgs>, ImportResult>(importArgs),
  deleteArtifact: method<{ id: string }, { deleted: boolean }>(object({ id })),
  setLabel: method<{ id: string; key: string; value: string }, Artifact>(object({ id, key: labelKey, value: labelValue })),
  removeLabel: method<{ id: string; key: string }, Artifact>(object({ id, key: labelKey })),
  loadDemo: method<Infer<typeof none>, ImportResult>(none),
  profileMeta: method<{ id: string }, ProfileMeta>(object({ id })),
  flameGraph: method<{ id: string; sampleType?: string }, FlameGraph>(object({ id, sampleType: optional(sampleType) })),
  topTable: method<Infer<typeof topArgs>, TopTable>(topArgs),
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ArgsOf<M extends MethodName> = Contract[M] extends Method<infer A, unknown> ? A : never;
export type ResultOf<M extends MethodName> = Contract[M] extends Method<unknown, infer R> ? R : never;

/** The engine's face: one async function per contract method, one argument object each. */
export type GpwApi = { [M in MethodName]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

/**
 * Validates and runs one call from an untrusted caller, always answering with an envelope.
 * Every transport calls this and nothing else.
 */
export async function dispatch(api: GpwApi, name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) throw new GpwError('invalid_argument', `unknown method ${String(name).slice(0, 64)}`);
    const args = contract[name].args.parse(rawArgs, name);
    const fn = api[name] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await fn.call(api, args) };
  } catch (err) {
    return { ok: false, error: errorBody(err) };
  }
}
