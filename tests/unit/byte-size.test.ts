import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from '../../src-main/analysis/gc/byte-size';

describe('byte sizes', () => {
  it('formats in the unit the rounded figure fits', () => {
    expect(formatByteSize(0)).toBe('0 B');
    expect(formatByteSize(1023)).toBe('1023 B');
    expect(formatByteSize(1024)).toBe('1.0 KiB');
    expect(formatByteSize(1536)).toBe('1.5 KiB');
    expect(formatByteSize(99.94 * 1024)).toBe('99.9 KiB');
    expect(formatByteSize(99.96 * 1024)).toBe('100 KiB');
    expect(formatByteSize(512 * 2 ** 20)).toBe('512 MiB');
    // Just under a unit: rounds to 1024 of the smaller one, so printed in the larger.
    expect(formatByteSize(2 ** 20 - 1)).toBe('1.0 MiB');
    expect(formatByteSize(1023.6 * 2 ** 20)).toBe('1.0 GiB');
    expect(formatByteSize(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatByteSize(-2 * 2 ** 20)).toBe('-2.0 MiB');
    expect(formatByteSize(5000 * 2 ** 40)).toBe('5000 TiB');
  });

  it('parses what it formats', () => {
    for (const b of [0, 1024, 3 * 2 ** 20, 2 ** 30]) {
      const text = formatByteSize(b).replace(' ', '');
      expect(parseByteSize(text)).toEqual({ bytes: b });
    }
    expect(parseByteSize('12 parsecs')).toEqual({ problem: expect.stringContaining('is not a size') });
  });
});
