// gpw list [--kind K] [--label k=v] [--text T]: the library's artifacts, newest first. K is an
// artifact kind (trace, gclog, …) or a profile type (cpu, heap, …); an unknown K is an error
// listing both, and a filter that matches nothing says so (not that the library is empty).
// Read from the library alone (cli/gpw.ts opens no engine for it): the engine's list methods
// are the library's own, and a list is most of all the start-up of the process asking for it.

import { GpwError } from '../api/errors.js';
import { ARTIFACT_KINDS, kindLabel, PROFILE_TYPES, type Artifact, type ArtifactKind } from '../api/types.js';
import type { Library } from '../library/library.js';
import { flag, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const LIST_USAGE = '  gpw list [--kind K] [--label k=v] [--text T] [--json]';
export const LIST_FLAGS: Record<string, FlagSpec> = valueFlags('kind', 'label', 'text');

/** --kind as a library query: a kind, or a profile type (kind profile, that subtype). */
export function kindQuery(kind: string | undefined): { kind?: ArtifactKind; subtype?: string } {
  if (kind === undefined) return {};
  if ((ARTIFACT_KINDS as readonly string[]).includes(kind)) return { kind: kind as ArtifactKind };
  if ((PROFILE_TYPES as readonly string[]).includes(kind)) return { kind: 'profile', subtype: kind };
  throw new GpwError('invalid_argument', `--kind must be a kind (${ARTIFACT_KINDS.join(', ')}) or a profile type (${PROFILE_TYPES.join(', ')}), not "${kind}"`);
}

export function artifactLine(a: Artifact): string {
  const when = new Date(a.capturedAt ?? a.importedAt).toISOString().replace('T', ' ').slice(0, 19);
  const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return [a.id, when, kindLabel(a).padEnd(10), a.file ?? a.source, a.run ? `run=${a.run}` : '', labels].filter(Boolean).join('  ');
}

/** The list as text, or with --json as UTF-8 bytes (written by SQLite, passed on as they are). */
export function listCommand(library: Pick<Library, 'list' | 'listJson' | 'count'>, args: ParsedArgs, json: boolean): string | Uint8Array {
  const filters = { ...kindQuery(flag(args, 'kind')), label: flag(args, 'label'), text: flag(args, 'text') };
  if (json) return library.listJson(filters, '{"artifacts":', '}');
  const artifacts = library.list(filters);
  if (artifacts.length > 0) return artifacts.map(artifactLine).join('\n');
  const total = library.count();
  if (total === 0) return 'the library is empty: gpw import FILE... adds profiles';
  const given = (['kind', 'label', 'text'] as const).filter((f) => flag(args, f) !== undefined).map((f) => `--${f} ${flag(args, f)}`);
  return `nothing matches ${given.join(' ')} (the library holds ${total} artifact${total === 1 ? '' : 's'}; gpw list shows them all)`;
}
