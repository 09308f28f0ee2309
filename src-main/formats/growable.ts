// Append-only typed arrays for parsers that do not know their output size up front.

type NumericArray = Uint32Array | Int32Array | Float64Array | Uint8Array | Uint16Array | Int16Array | Int8Array;
type NumericArrayCtor<T extends NumericArray> = new (length: number) => T;

/** A copy of a typed-array column with more room, the old contents first (also analysis/grown.ts). */
export function grown<T extends NumericArray>(column: T, capacity: number): T {
  const bigger = new (column.constructor as NumericArrayCtor<T>)(capacity);
  bigger.set(column);
  return bigger;
}

/** A copy of a column's first `count` values in an array of another type (every value must fit it), with the same room. */
export function retyped<T extends NumericArray>(column: NumericArray, count: number, ctor: NumericArrayCtor<T>): T {
  const copy = new ctor(column.length);
  copy.set(column.subarray(0, count));
  return copy;
}

export class Growable<T extends NumericArray> {
  private data: T;
  length = 0;

  constructor(ctor: NumericArrayCtor<T>, initial = 1024) {
    this.data = new ctor(Math.max(16, initial));
  }

  push(v: number): void {
    // grown() keeps the array's own type, which retype() may have changed since the constructor.
    if (this.length === this.data.length) this.data = grown(this.data, this.data.length * 2);
    this.data[this.length++] = v;
  }

  /** Keeps the values in an array of another type (a wider one: every value must fit it), with the same room. */
  retype(ctor: NumericArrayCtor<T>): void {
    this.data = retyped(this.data, this.length, ctor);
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /**
   * What was pushed, without a copy: a view of the buffer, whose spare room stays allocated but
   * never written (so the OS never backs it with memory). For large columns built once.
   */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }

  /** A right-sized copy of what was pushed. */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * A Growable kept 32-bit while every value put in it is a whole number in [0, 2^32) (4 bytes a
 * row less than 64-bit floats), and widened once to 64-bit floats, the values so far copied, by
 * the first that is not: every value comes back exact either way.
 */
export class Uint32UntilWider extends Growable<Uint32Array | Float64Array> {
  private wide = false;

  constructor(initial = 1024) {
    super(Uint32Array, initial);
  }

  override push(v: number): void {
    if (!this.wide && v >>> 0 !== v) this.widen();
    super.push(v);
  }

  override set(i: number, v: number): void {
    if (!this.wide && v >>> 0 !== v) this.widen();
    super.set(i, v);
  }

  private widen(): void {
    this.retype(Float64Array);
    this.wide = true;
  }
}
