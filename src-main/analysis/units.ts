// Formats sample values in their unit. formatValue scales each value on its own (tooltips);
// reportUnit + formatInUnit print a whole table in one unit chosen as `go tool pprof` chooses
// it, and formatPercent prints percentages as pprof does, so a gpw table reads like pprof's.

interface UnitStep {
  size: number;
  name: string;
}

const TIME: UnitStep[] = [
  { size: 1, name: 'ns' },
  { size: 1e3, name: 'us' },
  { size: 1e6, name: 'ms' },
  { size: 1e9, name: 's' },
  { size: 60e9, name: 'mins' },
  { size: 3600e9, name: 'hrs' },
  { size: 86400e9, name: 'days' },
];
const MEMORY: UnitStep[] = [
  { size: 1, name: 'B' },
  { size: 2 ** 10, name: 'kB' },
  { size: 2 ** 20, name: 'MB' },
  { size: 2 ** 30, name: 'GB' },
  { size: 2 ** 40, name: 'TB' },
  { size: 2 ** 50, name: 'PB' },
];

function stepsOf(unit: string): UnitStep[] | null {
  if (unit === 'nanoseconds' || unit === 'ns') return TIME;
  if (unit === 'bytes' || unit === 'B') return MEMORY;
  return null;
}

/** The largest step the value reaches (at least the smallest step). */
function scaleFor(steps: UnitStep[], value: number): UnitStep {
  const abs = Math.abs(value);
  let best = steps[0];
  for (const s of steps) if (abs >= s.size) best = s;
  return best;
}

/**
 * Go's fmt rounds a value exactly halfway between two candidates to the even one; JavaScript's
 * toFixed/toPrecision round it up. A value is a tie when the digits after the cut are 5 and
 * zeros in its exact expansion; a double that matches a tie to 25 more digits is that tie,
 * since neighbouring doubles differ by the 17th.
 */
const isTie = (digitsAfterCut: string): boolean => /^50*$/.test(digitsAfterCut);
const lastDigitEven = (s: string): boolean => Number(s.replace(/e.*$/, '').replace(/\D/g, '').slice(-1)) % 2 === 0;

/** Two decimals as Go's %.2f prints them ("1.125" → "1.12"). */
function fixed2(v: number): string {
  const abs = Math.abs(v);
  if (!Number.isFinite(abs)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  // From 1e21 toFixed switches to exponent notation; such doubles are integers: all digits, as Go.
  if (abs >= 1e21) return `${v < 0 ? '-' : ''}${BigInt(abs).toString()}.00`;
  let s = abs.toFixed(2);
  if (isTie(abs.toFixed(27).split('.')[1].slice(2)) && !lastDigitEven(s)) s = (abs * (1 - 1e-15)).toFixed(2);
  return (v < 0 && Number(s) !== 0 ? '-' : '') + s;
}

/** Two significant digits as Go's %.2g rounds them ("0.125" → "0.12"); v > 0. */
function precision2(v: number): string {
  const s = v.toPrecision(2);
  const significant = v.toPrecision(27).replace(/e.*$/, '').replace(/\D/g, '').replace(/^0+/, '');
  if (isTie(significant.slice(2)) && !lastDigitEven(s)) return (v * (1 - 1e-15)).toPrecision(2);
  return s;
}

function twoDecimals(v: number): string {
  const s = fixed2(v).replace(/\.00$/, '');
  return s === '-0' ? '0' : s;
}

/** One value, scaled on its own: "1.42s", "2.47MB", "51". */
export function formatValue(value: number, unit: string): string {
  const steps = stepsOf(unit);
  if (!steps) return twoDecimals(value);
  if (value === 0) return '0';
  const step = scaleFor(steps, value);
  return twoDecimals(value / step.size) + step.name;
}

/**
 * The unit pprof uses for a whole report: that of the smallest non-zero value, unless the
 * total is over 100 times larger and in a bigger unit, then the unit of 100 × that value.
 */
export function reportUnit(values: number[], total: number, unit: string): string {
  const steps = stepsOf(unit);
  if (!steps) return '';
  let min = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (a > 0 && (min === 0 || a < min)) min = a;
  }
  if (min === 0) min = Math.abs(total);
  const minUnit = scaleFor(steps, min);
  const maxUnit = scaleFor(steps, total);
  return (minUnit !== maxUnit && min * 100 < total ? scaleFor(steps, min * 100) : minUnit).name;
}

/** A value in a report unit from reportUnit: "0.61s", "1025.80kB", "0". */
export function formatInUnit(value: number, unit: string, outUnit: string): string {
  const step = stepsOf(unit)?.find((s) => s.name === outUnit);
  if (!step) return twoDecimals(value);
  const s = twoDecimals(value / step.size);
  return s === '0' ? '0' : s + step.name;
}

/** pprof's percentages: "100%" near 100, two decimals from 1 %, two significant digits below. */
/**
 * A share for people rather than for pprof's text: as formatPercent, except that a share below
 * 0.01 % reads "<0.01%" (pprof would print "8.4e-05%").
 */
export function readablePercent(part: number, total: number): string {
  const ratio = total === 0 ? 0 : Math.abs(part / total) * 100;
  return ratio > 0 && ratio < 0.01 ? '<0.01%' : formatPercent(part, total);
}

export function formatPercent(part: number, total: number): string {
  const ratio = total === 0 ? 0 : Math.abs(part / total) * 100;
  if (ratio >= 99.95 && ratio <= 100.05) return '100%';
  if (ratio >= 1) return `${fixed2(ratio)}%`;
  if (ratio === 0) return '0%';
  // Go's %.2g: round to two digits, then exponent form if that is below 1e-4 ("1.5e-06").
  const rounded = Number(precision2(ratio));
  if (rounded < 1e-4) {
    const [mantissa, exp] = rounded.toExponential(1).split('e');
    return `${String(Number(mantissa))}e${exp[0] === '-' ? '-' : '+'}${exp.replace(/^[-+]/, '').padStart(2, '0')}%`;
  }
  return `${String(rounded)}%`;
}
