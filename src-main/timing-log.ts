// GPW_TIMING=1: gpw serve and its profile worker write to stderr where a request's time goes
// (docs/architecture.md). Each line starts with the wall clock's time of day (UTC, to the
// millisecond) when it was written, so the lines of the server's threads fall on one timeline:
// a line's duration, taken back from its stamp, says when its work began.

export const timingOn = Boolean(process.env.GPW_TIMING);

/** Writes one timing line, stamped HH:MM:SS.mmm, when GPW_TIMING is set (callers test timingOn first when the line costs anything to make). */
export function timingLine(text: string): void {
  if (timingOn) process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${text}\n`);
}
