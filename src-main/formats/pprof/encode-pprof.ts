// The columnar Profile → a gzipped profile.proto file that go tool pprof (and gpw) read back:
// ids are 1-based indices, the string table holds only the strings used, "" first.

import { gzipSync } from 'node:zlib';
import type { Profile, ValueType } from '../../model/profile.js';
import { protoWriter } from './proto-writer.js';
import { StringTable } from '../../model/string-table.js';

/** The profile as protobuf bytes (not compressed). */
export function encodePprofMessage(p: Profile): Uint8Array {
  const { w, message } = protoWriter();
  const table = new StringTable();
  const str = (i: number): number => table.id(p.strings[i] ?? '');
  const valueType = (field: number, t: ValueType): void =>
    message(field, () => {
      w.uint32(8).int64(table.id(t.type));
      w.uint32(16).int64(table.id(t.unit));
    });
  const packed = (field: number, values: ArrayLike<number>, from: number, to: number, signed: boolean): void => {
    if (to <= from) return;
    w.uint32((field << 3) | 2).fork();
    for (let i = from; i < to; i++) {
      if (signed) w.int64(values[i]);
      else w.uint64(values[i]);
    }
    w.ldelim();
  };

  for (const t of p.sampleTypes) valueType(1, t);
  const nTypes = p.sampleTypes.length;
  const locIds = new Float64Array(p.sampleLocs.length);
  for (let i = 0; i < locIds.length; i++) locIds[i] = p.sampleLocs[i] + 1;
  for (let s = 0; s < p.sampleCount; s++) {
    message(2, () => {
      packed(1, locIds, p.sampleLocStart[s], p.sampleLocStart[s + 1], false);
      packed(2, p.values, s * nTypes, (s + 1) * nTypes, true);
      for (let i = p.sampleLabelStart[s]; i < p.sampleLabelStart[s + 1]; i++) {
        message(3, () => {
          w.uint32(8).int64(str(p.labelKey[i]));
          if (p.labelStr[i] !== 0) w.uint32(16).int64(str(p.labelStr[i]));
          if (p.labelNum[i] !== 0) w.uint32(24).int64(p.labelNum[i]);
          if (p.labelNumUnit[i] !== 0) w.uint32(32).int64(str(p.labelNumUnit[i]));
        });
      }
    });
  }
  p.mappings.forEach((m, i) => {
    message(3, () => {
      w.uint32(8).uint64(i + 1);
      w.uint32(16).uint64(m.memoryStart);
      w.uint32(24).uint64(m.memoryLimit);
      w.uint32(32).uint64(m.fileOffset);
      w.uint32(40).int64(table.id(m.file));
      w.uint32(48).int64(table.id(m.buildId));
      w.uint32(56).bool(m.hasFunctions);
    });
  });
  for (let l = 0; l < p.locAddress.length; l++) {
    message(4, () => {
      w.uint32(8).uint64(l + 1);
      if (p.locMapping[l] >= 0) w.uint32(16).uint64(p.locMapping[l] + 1);
      if (p.locAddress[l] !== 0) w.uint32(24).uint64(p.locAddress[l]);
      for (let li = p.locLineStart[l]; li < p.locLineStart[l + 1]; li++) {
        message(4, () => {
          if (p.lineFunction[li] >= 0) w.uint32(8).uint64(p.lineFunction[li] + 1);
          if (p.lineNumber[li] !== 0) w.uint32(16).int64(p.lineNumber[li]);
        });
      }
    });
  }
  for (let f = 0; f < p.functionName.length; f++) {
    message(5, () => {
      w.uint32(8).uint64(f + 1);
      w.uint32(16).int64(str(p.functionName[f]));
      w.uint32(24).int64(str(p.functionSystemName[f]));
      w.uint32(32).int64(str(p.functionFile[f]));
      if (p.functionStartLine[f] !== 0) w.uint32(40).int64(p.functionStartLine[f]);
    });
  }
  // Header strings are interned before the table is written.
  const header = {
    drop: p.dropFrames ? table.id(p.dropFrames) : 0,
    keep: p.keepFrames ? table.id(p.keepFrames) : 0,
    comments: p.comments.map((c) => table.id(c)),
    defaultType: p.defaultSampleType ? table.id(p.defaultSampleType) : 0,
  };
  if (p.periodType) {
    table.id(p.periodType.type);
    table.id(p.periodType.unit);
  }
  for (const s of table.list) w.uint32(50).string(s);
  if (header.drop) w.uint32(56).int64(header.drop);
  if (header.keep) w.uint32(64).int64(header.keep);
  if (p.timeNanos) w.uint32(72).int64(p.timeNanos);
  if (p.durationNanos) w.uint32(80).int64(p.durationNanos);
  if (p.periodType) valueType(11, p.periodType);
  if (p.period) w.uint32(96).int64(p.period);
  for (const c of header.comments) w.uint32(104).int64(c);
  if (header.defaultType) w.uint32(112).int64(header.defaultType);
  return w.finish();
}

/** The profile as a .pb.gz file's bytes. */
export function encodePprof(p: Profile): Uint8Array {
  return gzipSync(encodePprofMessage(p));
}
