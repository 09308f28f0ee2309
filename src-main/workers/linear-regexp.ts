// User regexps (focus, ignore, tag filters) run in the profile worker. V8's backtracking engine
// can take exponential time on patterns like (a*)*b; with this flag V8 switches a regexp to its
// linear-time engine once it backtracks too much, so matching stays linear as RE2's (Go's) is.

import { setFlagsFromString } from 'node:v8';

let done = false;

export function useLinearRegexpFallback(): void {
  if (done) return;
  done = true;
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
}
