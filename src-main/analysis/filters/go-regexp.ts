// Go regular expressions (RE2 syntax, as pprof's -focus/-ignore/-hide/-show take them) turned
// into JavaScript RegExps with the same matches. What RE2 refuses (backreferences, lookaround)
// is refused here too, with a message saying what; Go-only syntax (\A, \z, \Q…\E, (?P<n>…),
// [[:alpha:]], leading (?i) flags) is translated. Matching time is kept linear by the V8 flag
// the profile worker sets (see workers/linear-regexp.ts), as RE2's is.

export class GoRegexpError extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Go's flags at the very start, "(?is)": the JS flags they become and where the body begins. */
function leadingFlags(src: string): { flags: string; rest: number } {
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (!m) return { flags: '', rest: 0 };
  if (m[1].includes('U')) throw new GoRegexpError('the (?U) ungreedy flag is not supported');
  const flags = [...new Set(m[1])].join('');
  return { flags, rest: m[0].length };
}

/** Translates a Go regexp to JavaScript source and flags, or throws GoRegexpError. */
export function translateGoRegexp(src: string): { source: string; flags: string } {
  const { flags, rest } = leadingFlags(src);
  let out = '';
  let inClass = false;
  let unicode = false;
  let lastAtomIsQuantified = false;
  for (let i = rest; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined) throw new GoRegexpError('trailing backslash at end of expression');
      if (/[1-9]/.test(d) || d === 'k') throw new GoRegexpError(`backreferences (\\${d}) are not supported by Go regular expressions`);
      if (d === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end < 0 ? src.length : end);
        out += escapeLiteral(literal);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (d === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (d === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (d === 'p' || d === 'P') {
        unicode = true;
        if (src[i + 2] === '{') {
          const end = src.indexOf('}', i + 2);
          if (end < 0) throw new GoRegexpError('missing closing } in \\p{…}');
          out += `\\${d}${src.slice(i + 2, end + 1)}`;
          i = end;
          continue;
        }
        if (src[i + 2] === undefined) throw new GoRegexpError('missing character class name after \\p');
        out += `\\${d}{${src[i + 2]}}`;
        i += 2;
        continue;
      } else if (/[a-zA-Z0-9]/.test(d) && !/[dDsSwWbBnrtfvx]/.test(d)) {
        throw new GoRegexpError(`invalid escape sequence \\${d}`);
      } else out += c + d;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (!cls) throw new GoRegexpError(`invalid character class range [:${name}:]`);
        if (negated) throw new GoRegexpError(`negated POSIX classes ([:^${name.slice(1)}:]) are not supported`);
        out += cls;
        i = end + 1;
        continue;
      }
      if (c === '[') out += '\\[';
      else out += c;
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' first in a class (after an optional '^') is a literal in Go.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const head = src.slice(i, i + 4);
      if (head.startsWith('(?=') || head.startsWith('(?!') || head.startsWith('(?<=') || head.startsWith('(?<!')) {
        throw new GoRegexpError(`lookaround assertions (${head.replace(/[^(?<=!]/g, '')}…) are not supported by Go regular expressions`);
      }
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (src.startsWith('(?<', i) || src.startsWith('(?:', i)) {
        out += src.slice(i, i + 3);
        i += 2;
        continue;
      }
      throw new GoRegexpError('flags like (?i) are supported only at the start of the expression');
    }
    if ((c === '*' || c === '+' || c === '?') && lastAtomIsQuantified && src[i - 1] !== '?' && c !== '?') {
      throw new GoRegexpError(`invalid nested repetition operator: ${src.slice(i - 1, i + 1)}`);
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m && (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000))) throw new GoRegexpError(`invalid repeat count: ${m[0]}`);
      if (m && m[3] && Number(m[3]) < Number(m[1])) throw new GoRegexpError(`invalid repeat count: ${m[0]}`);
      if (!m) {
        out += '\\{';
        continue;
      }
    }
    if (c === '}' ) {
      // Only a '}' closing a repeat count is syntax; anything else is a literal, as in Go.
      const open = out.lastIndexOf('{');
      if (open < 0 || !/^\{\d+(,\d*)?$/.test(out.slice(open))) {
        out += '\\}';
        continue;
      }
    }
    if (c === '/') {
      out += '\\/';
      continue;
    }
    out += c;
    lastAtomIsQuantified = c === '*' || c === '+';
  }
  if (inClass) throw new GoRegexpError('missing closing ] in character class');
  return { source: out, flags: flags + (unicode ? 'u' : '') };
}

/** Compiles a Go regexp; the message of a GoRegexpError says what is wrong. */
export function compileGoRegexp(src: string): RegExp {
  const { source, flags } = translateGoRegexp(src);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new GoRegexpError((err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, ''));
  }
}

/** A problem with a Go regexp for an argument check, or null when it compiles. */
export function goRegexpProblem(src: string): string | null {
  try {
    compileGoRegexp(src);
    return null;
  } catch (err) {
    if (err instanceof GoRegexpError) return `is not a valid regular expression: ${err.message}`;
    throw err;
  }
}
