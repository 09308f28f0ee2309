// Scheduled captures while gpw runs: one timer per enabled schedule; each tick starts a run.
// A tick that finds the schedule's previous run still going is reported, not queued.

import type { CaptureSchedule } from '../api/collect-types.js';

export class CaptureScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;

  constructor(
    private readonly schedules: () => CaptureSchedule[],
    private readonly fire: (schedule: CaptureSchedule) => void,
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
    this.reload();
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Re-reads the schedules (after one was added, changed or deleted). */
  reload(): void {
    if (!this.running) return;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const now = Date.now();
    for (const s of this.schedules()) {
      if (!s.enabled) continue;
      // A schedule that never ran takes its first capture at once; later ones keep the period.
      const due = s.lastRunAt === null ? now : Math.max(now, s.lastRunAt + s.everySeconds * 1000);
      this.arm(s.id, due - now);
    }
  }

  private arm(id: string, delayMs: number): void {
    const timer = setTimeout(() => this.tick(id), delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  private tick(id: string): void {
    if (!this.running) return;
    const s = this.schedules().find((x) => x.id === id);
    if (!s || !s.enabled) {
      this.timers.delete(id);
      return;
    }
    this.arm(id, s.everySeconds * 1000);
    this.fire(s);
  }
}
