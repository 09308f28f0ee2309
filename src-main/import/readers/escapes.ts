// The compiler's escape analysis (go build -gcflags=-m, -m=2, or one -json=0,DIR file): kind
// 'escapes', subtype the output's form; joined to heap/allocs profiles by services/source-service.ts.

import type { OtherSummary } from '../../api/types.js';
import { parseEscapes } from '../../formats/escapes/parse-escapes.js';
import type { ArtifactReader } from '../reader-types.js';

export interface EscapesSummary extends OtherSummary {
  format: 'm' | 'm2' | 'json';
  packages: string[];
  files: number;
  escaping: number;
  notEscaping: number;
  skippedLines: number[];
}

export const escapesReader: ArtifactReader = {
  kind: 'escapes',
  async read(input) {
    const log = parseEscapes(new TextDecoder().decode(input.bytes));
    const escaping = log.diagnostics.filter((d) => d.verdict === 'escapes').length;
    const notEscaping = log.diagnostics.filter((d) => d.verdict === 'noescape').length;
    const files = new Set(log.diagnostics.map((d) => d.file)).size;
    const form = log.format === 'json' ? '-json' : log.format === 'm2' ? '-m=2' : '-m';
    const summary: EscapesSummary = {
      headline: `escape analysis (${form}${log.goVersion ? `, ${log.goVersion}` : ''}): ${escaping} escaping, ${notEscaping} not escaping, in ${files} file${files === 1 ? '' : 's'}` + (log.packages.length ? ` of ${log.packages.slice(0, 3).join(', ')}` : ''),
      format: log.format,
      packages: log.packages,
      files,
      escaping,
      notEscaping,
      skippedLines: log.skipped.slice(0, 20),
    };
    return { subtype: log.format, capturedAt: null, durationNs: null, goVersion: log.goVersion, summary };
  },
};
