// Numbers printed as Go's fmt prints them in pprof: checked against a Go program run here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPercent, formatInUnit, readablePercent } from '../../src-main/analysis/units';

const RATIOS = [0, 1e-7, 1.5e-6, 2.25e-5, 9.9e-5, 1e-4, 0.000123, 0.0068, 0.05, 0.125, 0.5, 0.99, 1, 1.125, 12.345, 99.94, 99.96, 100];
// From 1e21 JavaScript's toFixed writes exponents (issue 16, defect 5): Go writes every digit.
const VALUES = [0, 1, 5, 1.125, 1.135, 2.675, 1024.5, 1179648 / 1048576, 123456.785, 1e21, -1e21, 1.5e22, 1e23, 1.7976931348623157e308];

it('formats percentages and two-decimal values exactly as Go does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpw-units-'));
  try {
    writeFileSync(
      join(dir, 'main.go'),
      `package main

import (
	"fmt"
	"math"
	"strings"
)

func pct(part, total float64) string {
	ratio := math.Abs(part/total) * 100
	switch {
	case math.Abs(ratio) >= 99.95 && math.Abs(ratio) <= 100.05:
		return "100%"
	case math.Abs(ratio) >= 1.0:
		return strings.TrimSpace(fmt.Sprintf("%5.2f%%", ratio))
	default:
		return strings.TrimSpace(fmt.Sprintf("%5.2g%%", ratio))
	}
}

func main() {
	for _, r := range []float64{${RATIOS.join(', ')}} {
		fmt.Println(pct(r, 100))
	}
	for _, v := range []float64{${VALUES.join(', ')}} {
		fmt.Println(strings.TrimSuffix(fmt.Sprintf("%.2f", v), ".00"))
	}
}
`,
    );
    const out = execFileSync('go', ['run', 'main.go'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off' } }).trim().split('\n');
    // The same ratios as percentages of a total of 100 (formatPercent takes part and total).
    expect(RATIOS.map((r) => formatPercent(r, 100))).toEqual(out.slice(0, RATIOS.length));
    expect(VALUES.map((v) => formatInUnit(v, 'count', ''))).toEqual(out.slice(RATIOS.length).map((s) => (s === '0' ? '0' : s)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('readablePercent (the UI)', () => {
  it('reads a tiny share as <0.01% where pprof writes an exponent, otherwise as pprof', () => {
    expect(formatPercent(84, 1e8)).toBe('8.4e-05%');
    expect(readablePercent(84, 1e8)).toBe('<0.01%');
    expect(readablePercent(0, 1e8)).toBe('0%');
    expect(readablePercent(1234, 1e6)).toBe(formatPercent(1234, 1e6));
    expect(readablePercent(1e4, 1e8)).toBe('0.01%');
    expect(readablePercent(5e7, 1e8)).toBe('50.00%');
  });
});
