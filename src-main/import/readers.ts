// Which reader imports which detected format. One line per format; see reader-types.ts.

import type { FormatName } from '../formats/detect-format.js';
import type { ArtifactReader } from './reader-types.js';
import { pprofReader } from './readers/pprof.js';
import { gotraceReader } from './readers/gotrace.js';
import { expvarReader } from './readers/expvar.js';
import { prometheusTextReader } from './readers/prometheus-text.js';
import { perfScriptReader } from './readers/perf-script.js';
import { foldedReader } from './readers/folded.js';
import { gctraceReader } from './readers/gctrace.js';
import { benchReader } from './readers/bench.js';
import { escapesReader } from './readers/escapes.js';
import { goroutineDumpReader } from './readers/goroutine-dump.js';
import { runtimeMetricsReader } from './readers/runtime-metrics.js';

export const READERS: Partial<Record<FormatName, ArtifactReader>> = {
  pprof: pprofReader,
  gotrace: gotraceReader,
  expvar: expvarReader,
  prometheus: prometheusTextReader,
  'perf-script': perfScriptReader,
  folded: foldedReader,
  gctrace: gctraceReader,
  gobench: benchReader,
  escapes: escapesReader,
  'goroutine-dump': goroutineDumpReader,
  'runtime-metrics': runtimeMetricsReader,
};
