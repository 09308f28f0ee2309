// Open-addressing hash map from a pair of non-negative int32s to a dense slot number: the
// trie and edge lookups of flame graphs and top tables, without a JS Map per lookup.
// Entries are interleaved (a, b, slot) in one array so a probe touches one cache line.

export class PairMap {
  private table: Int32Array;
  private mask: number;
  /** Number of distinct pairs inserted; slots are 0..size-1 in insertion order. */
  size = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.table = new Int32Array(cap * 3).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (b >>> 15), 0x85ebca6b)) >>> 0;
  }

  /** Slot of (a, b), or -1. */
  get(a: number, b: number): number {
    const t = this.table;
    let i = PairMap.hash(a, b) & this.mask;
    for (;;) {
      const ka = t[i * 3];
      if (ka === -1) return -1;
      if (ka === a && t[i * 3 + 1] === b) return t[i * 3 + 2];
      i = (i + 1) & this.mask;
    }
  }

  /** Slot of (a, b), inserting it with the next slot number if absent. */
  getOrInsert(a: number, b: number): number {
    const t = this.table;
    let i = PairMap.hash(a, b) & this.mask;
    for (;;) {
      const ka = t[i * 3];
      if (ka === -1) break;
      if (ka === a && t[i * 3 + 1] === b) return t[i * 3 + 2];
      i = (i + 1) & this.mask;
    }
    const slot = this.size++;
    t[i * 3] = a;
    t[i * 3 + 1] = b;
    t[i * 3 + 2] = slot;
    if (this.size * 2 > this.mask) this.grow();
    return slot;
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    const t = new Int32Array(cap * 3).fill(-1);
    this.mask = cap - 1;
    for (let j = 0; j < old.length; j += 3) {
      if (old[j] === -1) continue;
      let i = PairMap.hash(old[j], old[j + 1]) & this.mask;
      while (t[i * 3] !== -1) i = (i + 1) & this.mask;
      t[i * 3] = old[j];
      t[i * 3 + 1] = old[j + 1];
      t[i * 3 + 2] = old[j + 2];
    }
    this.table = t;
  }
}
