// Per-function figures of one profile, kept in the library at import (artifact_functions) so
// that run comparisons and trends never decode a blob again: for every sample type, the total
// and each function's flat and cum as `go tool pprof -top` counts them (function granularity,
// cum once per sample), for the functions worth a row.

import type { Profile, ValueType } from '../../model/profile.js';
import { Accumulator, TopFigures } from '../top.js';

/** Bump when the rule below changes: the engine then recomputes stored figures. */
export const FUNCTION_STATS_VERSION = 1;
/** Functions whose |cum| or |flat| is at least this share of the total are kept. */
export const FUNCTION_STATS_MIN_SHARE = 0.001;
/** At most this many functions per sample type (the largest by |cum|). */
export const FUNCTION_STATS_MAX_ROWS = 4000;

export interface SampleTypeStats {
  /** "type/unit", as ProfileSummary.sampleTypes. */
  sampleType: string;
  /** Sum of |value| over the samples: pprof's total. */
  total: number;
  names: string[];
  flat: number[];
  cum: number[];
}

export interface FunctionStats {
  version: number;
  types: SampleTypeStats[];
}

export function functionStatsOf(profile: Profile, figures: TopFigures = new TopFigures(profile)): FunctionStats {
  return functionStatsOfFigures(figures.frames.names, profile.sampleTypes, figures.figures);
}

/** The stats from every sample type's figures, added up in sample-type order (`acc.types` is 0, 1, …). */
export function functionStatsOfFigures(names: string[], sampleTypes: ValueType[], acc: Accumulator): FunctionStats {
  const types = sampleTypes.map((st, t): SampleTypeStats => {
    const { flat, cum, total } = acc.of(t);
    const cutoff = total * FUNCTION_STATS_MIN_SHARE;
    const kept: number[] = [];
    for (let i = 0; i < names.length; i++) {
      if ((flat[i] !== 0 || cum[i] !== 0) && (Math.abs(cum[i]) >= cutoff || Math.abs(flat[i]) >= cutoff)) kept.push(i);
    }
    kept.sort((a, b) => Math.abs(cum[b]) - Math.abs(cum[a]) || (names[a] < names[b] ? -1 : 1));
    const rows = kept.slice(0, FUNCTION_STATS_MAX_ROWS);
    return {
      sampleType: `${st.type}/${st.unit}`,
      total,
      names: rows.map((i) => names[i]),
      flat: rows.map((i) => flat[i]),
      cum: rows.map((i) => cum[i]),
    };
  });
  return { version: FUNCTION_STATS_VERSION, types };
}
