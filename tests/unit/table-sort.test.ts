// The renderer's table sorting (src-renderer/lib/table-sort.ts): header clicks and row order.
import { describe, expect, it } from 'vitest';
import { sortRows, toggleSort } from '../../src-renderer/lib/table-sort';

describe('toggleSort', () => {
  it('turns the same column around and starts another one largest first (text A→Z when asked)', () => {
    const s0 = { key: 'cpu', descending: true };
    expect(toggleSort(s0, 'cpu')).toEqual({ key: 'cpu', descending: false });
    expect(toggleSort(toggleSort(s0, 'cpu'), 'cpu')).toEqual(s0);
    expect(toggleSort(s0, 'rss')).toEqual({ key: 'rss', descending: true });
    expect(toggleSort(s0, 'user', true)).toEqual({ key: 'user', descending: false });
    expect(toggleSort({ key: 'user', descending: false }, 'user', true)).toEqual({ key: 'user', descending: true });
  });
});

describe('sortRows', () => {
  const rows = [
    { pid: 3, cpu: 1.5, user: 'root' },
    { pid: 1, cpu: 7, user: 'alice' },
    { pid: 2, cpu: 1.5, user: 'Bob' },
    { pid: 10, cpu: -2, user: 'bob' },
  ];

  it('orders numbers either way without touching the input', () => {
    const before = rows.map((r) => r.pid);
    expect(sortRows(rows, (r) => r.cpu, true).map((r) => r.pid)).toEqual([1, 3, 2, 10]);
    expect(sortRows(rows, (r) => r.cpu, false).map((r) => r.pid)).toEqual([10, 3, 2, 1]);
    expect(sortRows(rows, (r) => r.pid, false).map((r) => r.pid)).toEqual([1, 2, 3, 10]);
    expect(rows.map((r) => r.pid)).toEqual(before);
  });

  it('breaks ties with the tie-breaker, then keeps the input order', () => {
    expect(sortRows(rows, (r) => r.cpu, true, (a, b) => a.pid - b.pid).map((r) => r.pid)).toEqual([1, 2, 3, 10]);
    const same = [{ id: 'a', v: 1 }, { id: 'b', v: 1 }, { id: 'c', v: 1 }];
    expect(sortRows(same, (r) => r.v, true).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(sortRows(same, (r) => r.v, false).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('orders text by locale', () => {
    expect(sortRows(rows, (r) => r.user, false).map((r) => r.user)).toEqual(['alice', 'bob', 'Bob', 'root']);
    expect(sortRows(rows, (r) => r.user, true).map((r) => r.user)).toEqual(['root', 'Bob', 'bob', 'alice']);
  });
});
