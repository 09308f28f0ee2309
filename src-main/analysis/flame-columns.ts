// What the flame trie's builders share (flame-partition.ts's partition, flame-levels.ts's levels):
// the per-sample columns they fill, the nodes they make, the rule for making one, and the count of
// the groups left out.
import type { SampleColumns } from './flame-partition.js';
import { grown } from './grown.js';
import { bufferFor } from './profile-rewrite.js';

/** Per-sample columns for `n` samples, zeroed (in shared memory when `shared`). */
export function newSampleColumns(n: number, shared: boolean): SampleColumns {
  return {
    sampleNode: new Int32Array(bufferFor(4 * n, shared)),
    sampleEnds: new Uint8Array(bufferFor(n, shared)),
    stops: { loc: new Int32Array(bufferFor(4 * n, shared)), frame: new Int32Array(bufferFor(4 * n, shared)), inline: new Uint8Array(bufferFor(n, shared)) },
  };
}

/** Sample s's types with a non-zero value, as bits; its values' sizes added to `total` (per type). */
export function typesOf(values: Float64Array, s: number, nTypes: number, total: Float64Array): number {
  let mask = 0;
  for (let t = 0; t < nTypes; t++) {
    const v = Math.abs(values[s * nTypes + t]);
    total[t] += v;
    if (v !== 0) mask |= 1 << t;
  }
  return mask;
}

/** A group of samples is made a node when it is non-zero and at least `below` wide in some type. */
export function wideEnough(width: Float64Array, slot: number, nTypes: number, below: Float64Array): boolean {
  for (let t = 0; t < nTypes; t++) {
    const w = width[slot * nTypes + t];
    if (w !== 0 && w >= below[t]) return true;
  }
  return false;
}

/** A group of samples not made a node: one more subtree left out in each type it is non-zero in. */
export function countLeftOut(width: Float64Array, slot: number, nTypes: number, leftOut: Float64Array): void {
  for (let t = 0; t < nTypes; t++) if (width[slot * nTypes + t] !== 0) leftOut[t]++;
}

/** The partition's nodes: parent, name and the types reaching each by a call. */
export class NodeColumns {
  parent: Int32Array;
  name: Int32Array;
  calledIn: Uint8Array;
  size = 1;

  constructor(capacity: number) {
    this.parent = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.calledIn = new Uint8Array(capacity);
    this.parent[0] = -1;
  }

  add(parent: number, name: number, calledIn: number): number {
    if (this.size === this.parent.length) {
      const cap = this.size * 2;
      this.parent = grown(this.parent, cap);
      this.name = grown(this.name, cap);
      this.calledIn = grown(this.calledIn, cap);
    }
    const node = this.size++;
    this.parent[node] = parent;
    this.name[node] = name;
    this.calledIn[node] = calledIn;
    return node;
  }

  /** The nodes made, in columns of their own size (a trie's: PartitionedStacks). */
  trimmed(): { size: number; parent: Int32Array; name: Int32Array; calledIn: Uint8Array } {
    const { size } = this;
    return { size, parent: this.parent.slice(0, size), name: this.name.slice(0, size), calledIn: this.calledIn.slice(0, size) };
  }
}
