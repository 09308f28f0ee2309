// The Go benchmark format (`go test -bench` output, golang.org/design/14313-benchmark-format)
// as gpw keeps it: one record per result line, values in benchstat's tidied units.

/** One measurement of a result line, in its tidied unit (ns/op → sec/op, MB/s → B/s). */
export interface BenchValue {
  value: number;
  unit: string;
}

/** The file-level configuration (`key: value` lines) in force at a result, in first-seen order. */
export type BenchConfig = readonly (readonly [key: string, value: string])[];

export interface BenchResult {
  /** The full name without "Benchmark": base name, sub-benchmark parts and the -GOMAXPROCS suffix. */
  name: string;
  iters: number;
  values: BenchValue[];
  /** Shared between results with the same configuration (never mutated). */
  config: BenchConfig;
  /** 1-based line number in the file. */
  line: number;
}

/** A `Unit UNIT key=value…` metadata line (e.g. assume=exact, better=higher), unit tidied. */
export interface BenchUnitMeta {
  unit: string;
  key: string;
  value: string;
  line: number;
}

export interface BenchWarning {
  line: number;
  message: string;
}

export interface BenchFile {
  results: BenchResult[];
  units: BenchUnitMeta[];
  warnings: BenchWarning[];
  lines: number;
}
