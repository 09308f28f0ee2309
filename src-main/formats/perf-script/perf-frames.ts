// Frame names from a perf script frame line, cleaned up as stackcollapse-perf.pl cleans them
// (so that flame graphs read as perf users know them and collapsed stacks match that tool):
// the +0x offset is dropped, "[unknown]" becomes the module's base name, C/C++ argument lists
// and quotes go, ";" becomes ":", and Java class names lose their leading "L".

/**
 * The names of one frame line's symbol (without its offset: stripOffset), outermost first;
 * more than one when perf printed inlined calls as "caller->callee". Empty when the symbol is
 * a "(process name)" line, which stackcollapse-perf skips.
 */
export function perfFrameNames(func: string, module: string, javaProcess: boolean): string[] {
  if (func.charCodeAt(0) === 40) return [];
  const parts = func.split('->');
  // Perl's split drops trailing empty fields.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((part) => tidyName(part === '[unknown]' ? unknownName(module) : part, javaProcess));
}

/** Drops a trailing "+0x1f" symbol offset (perf 4.8+ prints them). */
export function stripOffset(func: string): string {
  const plus = func.lastIndexOf('+0x');
  if (plus < 0 || plus + 3 === func.length) return func;
  for (let i = plus + 3; i < func.length; i++) {
    const c = func.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return func;
  }
  return func.slice(0, plus);
}

/** A frame without a symbol is named by its module, "[libc-2.19.so]", or "[unknown]". */
function unknownName(module: string): string {
  if (module === '[unknown]') return '[unknown]';
  return `[${module.slice(module.lastIndexOf('/') + 1)}]`;
}

function tidyName(name: string, javaProcess: boolean): string {
  let func = name.includes(';') ? name.replaceAll(';', ':') : name;
  if (!isGoMethodName(func)) func = dropArguments(func);
  if (func.includes('"') || func.includes("'")) func = func.replace(/["']/g, '');
  if (javaProcess && func.charCodeAt(0) === 76 && func.includes('/')) func = func.slice(1);
  return func;
}

/** "net/http.(*Client).Do": a ".(" with a ")." after it. */
function isGoMethodName(func: string): boolean {
  const open = func.indexOf('.(');
  return open >= 0 && func.lastIndexOf(').') >= open + 2;
}

/** Everything from the first "(" that does not open "(anonymous namespace)" is argument noise. */
function dropArguments(func: string): string {
  let i = func.indexOf('(');
  while (i >= 0 && func.startsWith('anonymous namespace)', i + 1)) i = func.indexOf('(', i + 1);
  return i >= 0 ? func.slice(0, i) : func;
}

/** Kernel code, as stackcollapse-perf --kernel sees it: "[kernel.kallsyms]", "[nf_conntrack]", ".../vmlinux". */
export function isKernelModule(module: string): boolean {
  return (module.startsWith('[') || module.endsWith('vmlinux')) && !module.includes('unknown');
}

/** JIT-compiled code: symbols from a /tmp/perf-PID.map file (Java, Node.js). */
export function isJitModule(module: string): boolean {
  return /\/tmp\/perf-\d+\.map/.test(module);
}
