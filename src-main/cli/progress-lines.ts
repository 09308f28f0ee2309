// Progress of long imports on stderr (perf script and folded text of gigabytes are read as a
// stream): one line rewritten in place on a terminal, or, with --progress, a line per tenth
// of each file for logs and scripts. Nothing when stderr is not a terminal and --progress is not given.

export type ImportProgress = (file: string, done: number, total: number) => void;

const MiB = 2 ** 20;

function progressText(file: string, done: number, total: number): string {
  const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  return `${file}: read ${(done / MiB).toFixed(0)} of ${(total / MiB).toFixed(0)} MiB (${pct} %)`;
}

export function importProgress(asked: boolean, stream: NodeJS.WriteStream = process.stderr): ImportProgress | undefined {
  if (stream.isTTY) {
    let shown = '';
    return (file, done, total) => {
      const text = progressText(file, done, total);
      if (text === shown) return;
      shown = text;
      stream.write(`\r\x1b[K${text}${done >= total ? '\n' : ''}`);
    };
  }
  if (!asked) return undefined;
  const lastTenth = new Map<string, number>();
  return (file, done, total) => {
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
    if ((lastTenth.get(file) ?? -1) >= tenth) return;
    lastTenth.set(file, tenth);
    stream.write(`${progressText(file, done, total)}\n`);
  };
}
