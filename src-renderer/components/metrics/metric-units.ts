// How a runtime metric's unit is shown on a chart axis: bytes in MiB, nanoseconds in ms,
// fractions in %, rates keep their "/s".

export interface AxisUnit {
  label: string;
  scale: (v: number) => number;
}

export function axisUnit(unit: string): AxisUnit {
  const rate = unit.endsWith('/s');
  const base = rate ? unit.slice(0, -2) : unit;
  const per = rate ? '/s' : '';
  if (base === 'bytes') return { label: `MiB${per}`, scale: (v) => v / 2 ** 20 };
  if (base === 'ns') return { label: `ms${per}`, scale: (v) => v / 1e6 };
  if (base === 'fraction') return { label: `%${per}`, scale: (v) => v * 100 };
  return { label: unit, scale: (v) => v };
}

/** "+72000/hour", "+1.5 MiB/hour". */
export function slopeText(slopePerHour: number, unit: string): string {
  const u = axisUnit(unit);
  const v = u.scale(slopePerHour);
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);
  return `${v >= 0 ? '+' : ''}${n} ${u.label}/hour`;
}
