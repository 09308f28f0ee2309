// What gpw needs to know about a binary on a remote host, from its ELF section headers only:
// whether it is a Go program (and which Go built it, from .go.buildinfo), and whether it has a
// symbol table perf can name functions with. Reads a few small ranges through `read`.

export interface BinaryInfo {
  isGo: boolean;
  goVersion: string | null;
  /** .symtab present: perf can name functions (a stripped binary shows addresses). */
  hasSymbols: boolean;
  hasDebugInfo: boolean;
}

export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

const MAX_SECTIONS = 4096;
const MAX_SHSTRTAB = 1 << 20;
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

interface Section {
  name: string;
  offset: number;
  size: number;
}

/** Section names and places, or null when the bytes are not an ELF file gpw can read. */
async function readSections(read: RangeReader): Promise<Section[] | null> {
  const h = await read(0, 64);
  if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return null;
  const is64 = h[4] === 2;
  const le = h[5] !== 2;
  if (is64 && h.length < 64) return null;
  const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number): number => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const shoff = is64 ? u64(h, 0x28) : u32(h, 0x20);
  const shentsize = u16(h, is64 ? 0x3a : 0x2e);
  const shnum = u16(h, is64 ? 0x3c : 0x30);
  const shstrndx = u16(h, is64 ? 0x3e : 0x32);
  const minEnt = is64 ? 64 : 40;
  if (shoff === 0 || shnum === 0 || shnum > MAX_SECTIONS || shentsize < minEnt || shentsize > 256 || shstrndx >= shnum) return null;
  const table = await read(shoff, shnum * shentsize);
  if (table.length < shnum * shentsize) return null;
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = i * shentsize;
    raw.push({
      nameOff: u32(table, o),
      offset: is64 ? u64(table, o + 0x18) : u32(table, o + 0x10),
      size: is64 ? u64(table, o + 0x20) : u32(table, o + 0x14),
    });
  }
  const strtab = raw[shstrndx];
  const namesLength = Math.min(strtab.size, MAX_SHSTRTAB);
  const names = await read(strtab.offset, namesLength);
  if (names.length < namesLength) return null; // a truncated file
  return raw.map((s) => {
    const end = names.indexOf(0, s.nameOff);
    return { name: s.nameOff < names.length ? names.toString('latin1', s.nameOff, end < 0 ? names.length : end) : '', offset: s.offset, size: s.size };
  });
}

/** The Go version recorded in .go.buildinfo (Go 1.18+ layout: inline strings), or null. */
async function goVersionOf(read: RangeReader, section: Section): Promise<string | null> {
  const b = await read(section.offset, Math.min(section.size, 32 + 10 + 64));
  if (b.length < 33 || !b.subarray(0, 14).equals(BUILDINFO_MAGIC) || (b[15] & 2) === 0) return null;
  let len = 0;
  let shift = 0;
  let i = 32;
  for (; i < b.length && shift < 35; i++, shift += 7) {
    len |= (b[i] & 0x7f) << shift;
    if ((b[i] & 0x80) === 0) break;
  }
  i++;
  if (len <= 0 || len > 64 || i + len > b.length) return null;
  const v = b.toString('latin1', i, i + len);
  return /^go[0-9][\w.+-]*$/.test(v) ? v : null;
}

export async function readBinaryInfo(read: RangeReader): Promise<BinaryInfo | null> {
  const sections = await readSections(read);
  if (!sections) return null;
  const byName = new Map(sections.map((s) => [s.name, s]));
  const buildinfo = byName.get('.go.buildinfo');
  const isGo = buildinfo !== undefined || byName.has('.gopclntab') || byName.has('.note.go.buildid');
  return {
    isGo,
    goVersion: buildinfo ? await goVersionOf(read, buildinfo) : null,
    hasSymbols: byName.has('.symtab'),
    hasDebugInfo: byName.has('.debug_info') || byName.has('.zdebug_info'),
  };
}
