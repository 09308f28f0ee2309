// The GNU build ID of an ELF file (the .note.gnu.build-id note, which Go's linker writes from
// the Go build ID): what runtime/pprof records as a mapping's build ID. Pure: bytes in, hex out.

import { FormatError } from './format-error.js';

/** The build ID as lowercase hex, or null when the file has no GNU build-ID note. */
export function elfBuildId(bytes: Uint8Array): string | null {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new FormatError('not an ELF file');
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => v.getUint16(o, little);
  const u32 = (o: number): number => v.getUint32(o, little);
  const word = (o: number): number => (is64 ? Number(v.getBigUint64(o, little)) : u32(o));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (sh + shentsize > bytes.length) throw new FormatError(`section header ${i} lies past the end of the file`);
    if (u32(sh + 4) !== 7) continue; // SHT_NOTE
    const off = word(sh + (is64 ? 0x18 : 0x10));
    const size = word(sh + (is64 ? 0x20 : 0x14));
    let p = off;
    while (p + 12 <= off + size && p + 12 <= bytes.length) {
      const namesz = u32(p);
      const descsz = u32(p + 4);
      const type = u32(p + 8);
      const name = new TextDecoder().decode(bytes.subarray(p + 12, p + 12 + Math.max(0, namesz - 1)));
      const desc = p + 12 + ((namesz + 3) & ~3);
      if (type === 3 && name === 'GNU') return Array.from(bytes.subarray(desc, desc + descsz), (b) => b.toString(16).padStart(2, '0')).join('');
      p = desc + ((descsz + 3) & ~3);
    }
  }
  return null;
}
