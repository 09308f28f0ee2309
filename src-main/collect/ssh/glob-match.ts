// OpenSSH's pattern matching for host names and file names: * any run, ? one character.

export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  let re = '^';
  for (const ch of pattern) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  return new RegExp(re + '$', ignoreCase ? 'i' : '').test(text);
}
