// The two lines GODEBUG=gcpacertrace=1 prints per cycle. Go 1.19–1.25 print floats as
// +1.300272e+000; Go 1.26 prints them as Go's %v does (1.300272, 0).

import type { PacerTrace } from './gctrace-types.js';

const FLOAT = String.raw`([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?Inf|NaN)`;

const START = new RegExp(String.raw`^pacer: assist ratio=${FLOAT} \(scan (\d+) MB in (\d+)->(\d+) MB\) workers=(\d+)\+${FLOAT}`);
const END = new RegExp(
  String.raw`^pacer: (\d+)% CPU \((\d+) exp\.\) for (\d+)\+(\d+)\+(\d+) B work \((\d+) B exp\.\) in (\d+) B -> (\d+) B \(∆goal (-?\d+), cons/mark ${FLOAT}\)( \[controller reset\])?`,
);
const SWEEP = /^pacer: sweep done at heap size/;

const float = (s: string): number => (/Inf/.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s));

export function emptyPacer(): PacerTrace {
  return {
    assistRatio: null,
    dedicatedWorkers: null,
    fractionalGoal: null,
    cpuPercent: null,
    heapScanWork: null,
    stackScanWork: null,
    globalsScanWork: null,
    expectedWork: null,
    triggeredBytes: null,
    heapLiveBytes: null,
    consMark: null,
    controllerReset: false,
  };
}

export type PacerLine = { kind: 'start' | 'end'; values: Partial<PacerTrace> } | { kind: 'sweep' } | { kind: 'bad'; problem: string };

/** Reads a line starting with `pacer:`. */
export function parsePacerLine(text: string): PacerLine {
  let m = START.exec(text);
  if (m) {
    return { kind: 'start', values: { assistRatio: float(m[1]), dedicatedWorkers: Number(m[5]), fractionalGoal: float(m[6]) } };
  }
  m = END.exec(text);
  if (m) {
    return {
      kind: 'end',
      values: {
        cpuPercent: Number(m[1]),
        heapScanWork: Number(m[3]),
        stackScanWork: Number(m[4]),
        globalsScanWork: Number(m[5]),
        expectedWork: Number(m[6]),
        triggeredBytes: Number(m[7]),
        heapLiveBytes: Number(m[8]),
        consMark: float(m[10]),
        controllerReset: m[11] !== undefined,
      },
    };
  }
  if (SWEEP.test(text)) return { kind: 'sweep' };
  return { kind: 'bad', problem: 'a gcpacertrace line in an unknown format' };
}
