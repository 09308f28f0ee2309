// Benchstat's unit rules (golang.org/x/perf/benchunit): "ns" becomes "sec" and "MB" becomes "B"
// in a unit's numerator, with the value scaled to match, so nothing prints as "µns/op"; a unit
// whose numerator holds B, MB or bytes is binary (scaled by Ki, Mi, …), any other decimal.

export type UnitClass = 'decimal' | 'binary';

interface UnitToken {
  tok: string;
  pos: number;
  denominator: boolean;
}

/** A unit's tokens: separated by '*', '/', '-' and spaces; '/' starts the denominator, '*' ends it. */
function unitTokens(unit: string): UnitToken[] {
  const out: UnitToken[] = [];
  let denominator = false;
  let i = 0;
  const isSep = (c: string) => c === '*' || c === '/' || c === '-' || /\s/u.test(c);
  while (i < unit.length) {
    const c = unit[i];
    if (c === '*') denominator = false;
    else if (c === '/') denominator = true;
    if (isSep(c)) {
      i++;
      continue;
    }
    let end = i;
    while (end < unit.length && !isSep(unit[end])) end++;
    out.push({ tok: unit.slice(i, end), pos: i, denominator });
    i = end;
  }
  return out;
}

const tidied = new Map<string, { unit: string; factor: number }>();

/** The tidied unit and the factor that turns a value in `unit` into one in it. */
export function tidyUnit(unit: string): { unit: string; factor: number } {
  switch (unit) {
    case 'ns/op':
      return { unit: 'sec/op', factor: 1e-9 };
    case 'MB/s':
      return { unit: 'B/s', factor: 1e6 };
    case 'B/op':
    case 'allocs/op':
      return { unit, factor: 1 };
  }
  if (!unit.includes('ns') && !unit.includes('MB')) return { unit, factor: 1 };
  const known = tidied.get(unit);
  if (known) return known;
  const edits = unitTokens(unit).filter((t) => !t.denominator && (t.tok === 'ns' || t.tok === 'MB'));
  let factor = 1;
  for (const t of edits) factor = t.tok === 'ns' ? factor / 1e9 : factor * 1e6;
  let out = unit;
  // Edit from the right so earlier positions stay valid.
  for (const t of edits.reverse()) out = out.slice(0, t.pos) + (t.tok === 'ns' ? 'sec' : 'B') + out.slice(t.pos + 2);
  const r = { unit: out, factor };
  if (tidied.size < 1024) tidied.set(unit, r);
  return r;
}

export function unitClassOf(unit: string): UnitClass {
  return unitTokens(unit).some((t) => !t.denominator && (t.tok === 'B' || t.tok === 'MB' || t.tok === 'bytes')) ? 'binary' : 'decimal';
}
