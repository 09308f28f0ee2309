// Servers a test starts are killed when the test worker exits, whatever happened: a beforeAll
// that timed out while a server was starting leaves its afterAll nothing to stop, and the
// server would outlive the run (and keep vitest from exiting).
import type { ChildProcess } from 'node:child_process';

const living = new Set<ChildProcess>();
let hooked = false;

/** Kills `child` (SIGKILL) when this process exits, unless it has ended by then. Returns it. */
export function reapOnExit<T extends ChildProcess>(child: T): T {
  living.add(child);
  child.once('exit', () => living.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of living) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  return child;
}
