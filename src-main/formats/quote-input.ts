// Input quoted in a message for the user: control characters (terminal escape sequences among
// them: ESC, BEL, the C1 controls) written as escapes, and cut to a length a message can hold, so
// a hostile or binary file can neither drive the user's terminal nor flood it.

/** Longest piece of input a message quotes, in characters. */
export const QUOTE_MAX_CHARS = 80;

// C0 and C1 controls, DEL, and the line/paragraph separators; \uFFFD marks undecodable bytes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
}

/** Escapes control characters; keeps everything printable as it is. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** `"text"` with controls and quotes escaped, cut to `max` characters with "…" and its full length. */
export function quoteInput(text: string, max = QUOTE_MAX_CHARS): string {
  const cut = text.length > max;
  const body = escapeControls((cut ? text.slice(0, max) : text).replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
  return `"${body}${cut ? `…" (${text.length} characters)` : '"'}`;
}

/** A whole message for a terminal: controls except line breaks escaped, cut to `max` characters. */
export function safeMessage(message: string, max = 4000): string {
  const cut = message.length > max ? `${message.slice(0, max)}… (message cut: ${message.length} characters)` : message;
  return cut.split('\n').map(escapeControls).join('\n');
}
