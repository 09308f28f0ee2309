// The compiler's escape analysis as gpw keeps it: one diagnostic per position, from
// `go build -gcflags=-m` / `-m=2` text or the `-json=0,DIR` files (formats/escapes/parse-escapes.ts).

/** What a diagnostic says about a value. */
export type EscapeVerdict =
  /** "x escapes to heap", "moved to heap: x": an allocation on the heap. */
  | 'escapes'
  /** "x does not escape": the value may live on the stack. */
  | 'noescape'
  /** "leaking param: p", "parameter p leaks to …": a parameter's flow, not an allocation. */
  | 'leak';

export interface EscapeDiagnostic {
  /** The file as the compiler printed it ("./main.go", an absolute path, a GOROOT path). */
  file: string;
  /** The package path of the "# path" header above it (text output), for files printed relative to the package ("./main.go"). */
  pkg?: string;
  line: number;
  column: number;
  verdict: EscapeVerdict;
  /** The compiler's words: "make([]byte, 512 + i % 7 * 256) escapes to heap". */
  message: string;
  /** -m=2 / -json: why, one step a line ("flow: {heap} ← buf:", "from append(window, buf) (call parameter) at ./main.go:71:18"). */
  flow: string[];
  /** The enclosing function, when the compiler named it (-m=2 "… in F:"). */
  function?: string;
}

/** A function declaration the compiler reported ("can inline F", "cannot inline F: …"). */
export interface FunctionDecl {
  file: string;
  pkg?: string;
  line: number;
  name: string;
}

export interface EscapeLog {
  format: 'm' | 'm2' | 'json';
  /** Packages named by "# path" headers (text) or the JSON header's "package". */
  packages: string[];
  /** The JSON header's gc_version ("go1.26.0"). */
  goVersion: string | null;
  diagnostics: EscapeDiagnostic[];
  decls: FunctionDecl[];
  /** Lines that look like the compiler's but were not understood, by line number. */
  skipped: number[];
}

/** The verdict a compiler message states, or null (inlining and other diagnostics). */
export function verdictOf(message: string): EscapeVerdict | null {
  if (/^moved to heap: /.test(message) || / escapes to heap$/.test(message)) return 'escapes';
  if (/ does not escape$/.test(message)) return 'noescape';
  if (/^leaking param( content)?: /.test(message) || /^parameter \S+ leaks to /.test(message)) return 'leak';
  return null;
}
