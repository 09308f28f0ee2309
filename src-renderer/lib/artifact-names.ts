// How an artifact is named wherever artifacts are listed: its file name, and what tells it apart
// from others of the same name (captures of one endpoint are all "profile", "heap", "trace"):
// its run, when it was captured (or imported), and the target or host it came from.

import type { Artifact } from '../../src-main/api/types';

/** The target an artifact came from: a captured URL's host:port, an SSH host, or nothing for a local file. */
export function targetOf(a: Pick<Artifact, 'source' | 'labels'>): string {
  if (a.labels.host) return a.labels.host;
  if (/^https?:\/\//.test(a.source)) {
    try {
      return new URL(a.source).host;
    } catch {
      return '';
    }
  }
  return '';
}

/** When it was captured, else imported, as a short local date and time. */
export function whenOf(a: Pick<Artifact, 'capturedAt' | 'importedAt'>): string {
  return new Date(a.capturedAt ?? a.importedAt).toLocaleString();
}

/** The run, time and target: the facts that tell same-named artifacts apart. */
export function distinctions(a: Artifact): string[] {
  const target = targetOf(a);
  return [a.run ? `run ${a.run}` : '', whenOf(a), target ? `from ${target}` : ''].filter(Boolean);
}

/** The file name followed by its distinctions in brackets: "heap (run load 2026-…, 05/12/2026, 22:14:59, from 10.0.0.5:6060)". */
export function artifactTitle(a: Artifact): string {
  return `${a.file ?? a.id} (${distinctions(a).join(', ')})`;
}
