// Colours of goroutine states in the goroutines view (the state bar, group rows, the leak view).

const COLORS: [RegExp, string][] = [
  [/^running|^runnable/, '#2e7d32'],
  [/^chan (receive|send)/, '#c0392b'],
  [/^select/, '#e67e22'],
  [/^sync\.|^semacquire|^sync\.Cond/, '#8e44ad'],
  [/^IO wait|^syscall/, '#2456c4'],
  [/^sleep/, '#7f8c8d'],
  [/^GC|^force gc|^finalizer/, '#16a085'],
];

export function stateColor(state: string): string {
  for (const [re, c] of COLORS) if (re.test(state)) return c;
  return '#95a5a6';
}

/** "chan receive, 5–10 minutes" / "chan receive" (under a minute). */
export function stateText(state: string, wait: [number, number | null]): string {
  const s = state || 'stack';
  if (wait[0] === 0 && wait[1] === 1) return s;
  return `${s}, ${wait[0]}${wait[1] === null ? '+' : `–${wait[1]}`} minutes`;
}
