// Growing typed-array columns: a copy with more room, the old contents first.

type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

export function grown<T extends Column>(column: T, capacity: number): T {
  const bigger = new (column.constructor as new (n: number) => T)(capacity);
  bigger.set(column);
  return bigger;
}
