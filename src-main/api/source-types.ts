// What the source methods answer (api/source-contract.ts): annotated source (pprof's -list),
// peek (pprof's -peek), and the compiler's escape analysis joined to a profile.

import type { PeekReport } from '../analysis/source/peek.js';
import type { EscapeJoin, EscapeSite, HotAllocation } from '../analysis/source/escape-join.js';

export type { PeekReport, EscapeSite, HotAllocation };
import type { AnnotatedInstruction } from '../analysis/source/disasm.js';
export type { AnnotatedInstruction };

/** pprof's -disasm: the sampled functions of a binary matching a regexp, instruction by instruction. */
export interface DisasmReport {
  sampleType: string;
  unit: string;
  total: number;
  binary: string;
  buildId: string | null;
  /** "ssh://host/path" when the binary was read from the SSH host the profile was captured through. */
  fetchedFrom?: string;
  functions: { name: string; start: number; flat: number; cum: number; instructions: AnnotatedInstruction[] }[];
}

/** The compiler's verdict on one value at a line, for the source view's notes. */
export interface SourceEscapeNote {
  column: number;
  what: string;
  escapes: boolean;
  reasons: string[];
}

export interface SourceLine {
  line: number;
  flat: number;
  cum: number;
  /** The source text; null when the file was not found (the figures still shown). */
  text: string | null;
  escapes?: SourceEscapeNote[];
}

export interface SourceFunction {
  name: string;
  /** The file as pprof names it (cleaned, trimmed); '' when the profile has no file for the function. */
  file: string;
  flat: number;
  cum: number;
  /** The file could not be read: `error` says why and `lookedFor` where gpw looked. */
  missingSource: boolean;
  error?: string;
  lookedFor?: string[];
  /** Where the source was read from. */
  foundAt?: string;
  /** Said when the text was read from the SSH host the profile was captured through ("not found here (…): read from HOST over SSH, …"). */
  fetched?: string;
  lines: SourceLine[];
  /** E.g. the source looks newer than the profile (its lines moved). */
  notes: string[];
}

export interface SourceListing {
  sampleType: string;
  unit: string;
  total: number;
  functions: SourceFunction[];
  warnings: string[];
  /** The escape analysis joined to the lines, when one was given or found in the profile's run. */
  escapes?: { name: string; notes: string[] };
}

export interface EscapeReport extends EscapeJoin {
  /** The escape analysis' file name (or artifact id). */
  name: string;
  format: 'm' | 'm2' | 'json';
  goVersion: string | null;
  /** The profile's sample type the figures are of, when a profile was given. */
  sampleType?: string;
  unit?: string;
  /** The profile's total of that sample type. */
  total?: number;
}

/** The module folders the app may build for escape analysis: gpw serve's --source-path folders holding a go.mod, and whether a native folder dialog is at hand (Electron). */
export interface EscapeBuildFolders {
  folders: { index: number; path: string }[];
  dialog: boolean;
}
