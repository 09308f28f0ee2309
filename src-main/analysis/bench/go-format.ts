// Numbers printed as Go's fmt prints them, so gpw's benchmark tables read like benchstat's:
// "%.Nf" rounds the exact binary value half to even (JavaScript's toFixed rounds ties up), and
// "%v" of a float64 is the shortest round-trip form with an exponent below 1e-4 or from 1e21.

const view = new DataView(new ArrayBuffer(8));

/** x = mantissa × 2^exponent exactly (finite x). */
function exactParts(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mantissa |= 1n << 52n;
  return { mantissa, exponent: (biased === 0 ? 1 : biased) - 1075 };
}

/** Go's strconv.FormatFloat(x, 'f', prec, 64). */
export function goFixed(x: number, prec: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = exactParts(Math.abs(x));
  let scaled = mantissa * 10n ** BigInt(prec);
  let q: bigint;
  if (exponent >= 0) q = scaled << BigInt(exponent);
  else {
    const d = 1n << BigInt(-exponent);
    q = scaled / d;
    const twice = (scaled % d) * 2n;
    if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  }
  scaled = q;
  let digits = scaled.toString();
  if (prec > 0) {
    digits = digits.padStart(prec + 1, '0');
    digits = `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
  }
  return (neg ? '-' : '') + digits;
}

/** Go's "%+.Nf". */
export function goSignedFixed(x: number, prec: number): string {
  const s = goFixed(x, prec);
  return s.startsWith('-') || s.startsWith('+') ? s : `+${s}`;
}

/** Go's fmt "%v" of a float64. */
export function goFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [m, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 21) return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}
