// The Collect page's last settings (what to capture and for how long, run name, labels,
// schedule interval, SSH host), kept in the page's localStorage so that leaving the page, a
// reload or the next start begins where the last capture left off.

const KEY = 'gpw.collect.settings';

export interface KindRowSetting {
  kind: string;
  on: boolean;
  seconds: number;
  delta: boolean;
  gc: boolean;
}

export interface CollectSettings {
  rows?: KindRowSetting[];
  runName?: string;
  runLabels?: string;
  everyMinutes?: number;
  via?: string;
}

export function loadCollectSettings(): CollectSettings {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as CollectSettings) : {};
  } catch {
    return {};
  }
}

/** Merges `part` into the kept settings. */
export function saveCollectSettings(part: CollectSettings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...loadCollectSettings(), ...part }));
  } catch {
    // Storage full or refused: the settings are simply not kept.
  }
}
