// Unit conversion for numeric label filters, as pprof converts "64kb" or "10ms": a unit is
// recognised by its aliases (case-insensitive, a trailing "s" ignored past two letters) and
// values are compared in the canonical unit of its kind (B, ns, GCU).

interface Unit {
  name: string;
  aliases: string[];
  factor: number;
}
interface UnitKind {
  units: Unit[];
  fallback: Unit;
}

const u = (name: string, aliases: string[], factor: number): Unit => ({ name, aliases, factor });

const KINDS: UnitKind[] = [
  {
    units: [
      u('B', ['b', 'byte'], 1),
      u('kB', ['kb', 'kbyte', 'kilobyte'], 2 ** 10),
      u('MB', ['mb', 'mbyte', 'megabyte'], 2 ** 20),
      u('GB', ['gb', 'gbyte', 'gigabyte'], 2 ** 30),
      u('TB', ['tb', 'tbyte', 'terabyte'], 2 ** 40),
      u('PB', ['pb', 'pbyte', 'petabyte'], 2 ** 50),
    ],
    fallback: u('B', [], 1),
  },
  {
    units: [
      u('ns', ['ns', 'nanosecond'], 1),
      u('us', ['μs', 'us', 'microsecond'], 1e3),
      u('ms', ['ms', 'millisecond'], 1e6),
      u('s', ['s', 'sec', 'second'], 1e9),
      u('hrs', ['hour', 'hr'], 3600e9),
    ],
    fallback: u('s', [], 1e9),
  },
  {
    units: [
      u('n*GCU', ['nanogcu'], 1e-9),
      u('u*GCU', ['microgcu'], 1e-6),
      u('m*GCU', ['milligcu'], 1e-3),
      u('GCU', ['gcu'], 1),
      u('k*GCU', ['kilogcu'], 1e3),
      u('M*GCU', ['megagcu'], 1e6),
      u('G*GCU', ['gigagcu'], 1e9),
      u('T*GCU', ['teragcu'], 1e12),
      u('P*GCU', ['petagcu'], 1e15),
    ],
    fallback: u('GCU', [], 1),
  },
];

function sniff(kind: UnitKind, unit: string): Unit | undefined {
  let name = unit.toLowerCase();
  if (name.length > 2 && name.endsWith('s')) name = name.slice(0, -1);
  return kind.units.find((x) => x.aliases.includes(name));
}

/**
 * A value in `fromUnit` expressed in `toUnit`, and the name of the unit it ends in (pprof's
 * measurement.Scale): units of no known kind keep their value and take toUnit's name.
 */
export function scaleValue(value: number, fromUnit: string, toUnit: string): { value: number; unit: string } {
  for (const kind of KINDS) {
    const from = sniff(kind, fromUnit);
    if (!from) continue;
    const v = value * from.factor;
    const to = sniff(kind, toUnit) ?? kind.fallback;
    return { value: v / to.factor, unit: to.name };
  }
  const plain = ['count', 'sample', 'unit', 'minimum', 'auto'].includes(toUnit);
  return { value, unit: plain ? '' : toUnit };
}
