// Answers derived from a parsed trace once and kept with it (the trace worker asks many
// questions of the same trace).

import type { GoTrace } from '../../model/trace.js';

export function perTrace<T>(compute: (trace: GoTrace) => T): (trace: GoTrace) => T {
  const done = new WeakMap<GoTrace, T>();
  return (trace) => {
    let value = done.get(trace);
    if (value === undefined) done.set(trace, (value = compute(trace)));
    return value;
  };
}
