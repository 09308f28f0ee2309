// computeTop on a profile with thousands of distinct call edges: the inline labels must not
// depend on how many edges came before (the edge table grows while it is filled).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { computeTop } from '../../src-main/analysis/top';
import { sampleTypeIndex, type Profile } from '../../src-main/model/profile';
import { goProfile } from '../helpers/paths';

/** The profile with every function renamed per sample-slot so edges multiply. */
function withManyEdges(p: Profile, copies: number): Profile {
  const strings = [...p.strings];
  const nFn = p.functionName.length;
  const functionName = new Int32Array(nFn * copies);
  for (let c = 0; c < copies; c++) {
    for (let f = 0; f < nFn; f++) {
      functionName[c * nFn + f] = strings.length;
      strings.push(`${p.strings[p.functionName[f]]}#${c}`);
    }
  }
  const nLoc = p.locAddress.length;
  const locLineStart = new Uint32Array(nLoc * copies + 1);
  const lineFunction = new Int32Array(p.lineFunction.length * copies);
  for (let c = 0; c < copies; c++) {
    for (let l = 0; l < nLoc; l++) locLineStart[c * nLoc + l] = c * p.lineFunction.length + p.locLineStart[l];
    for (let i = 0; i < p.lineFunction.length; i++) lineFunction[c * p.lineFunction.length + i] = c * nFn + p.lineFunction[i];
  }
  locLineStart[nLoc * copies] = p.lineFunction.length * copies;
  const sampleLocs = new Uint32Array(p.sampleLocs.length * copies);
  const sampleLocStart = new Uint32Array(p.sampleCount * copies + 1);
  const values = new Float64Array(p.values.length * copies);
  for (let c = 0; c < copies; c++) {
    for (let s = 0; s <= p.sampleCount; s++) sampleLocStart[c * p.sampleCount + s] = c * p.sampleLocs.length + p.sampleLocStart[s];
    for (let i = 0; i < p.sampleLocs.length; i++) sampleLocs[c * p.sampleLocs.length + i] = c * nLoc + p.sampleLocs[i];
    values.set(p.values, c * p.values.length);
  }
  return {
    ...p, strings, functionName,
    functionSystemName: new Int32Array(nFn * copies), functionFile: new Int32Array(nFn * copies), functionStartLine: new Float64Array(nFn * copies),
    locAddress: new Float64Array(nLoc * copies), locMapping: new Int32Array(nLoc * copies).fill(-1), locLineStart, lineFunction,
    lineNumber: new Float64Array(lineFunction.length), sampleCount: p.sampleCount * copies, sampleLocStart, sampleLocs, values,
    sampleLabelStart: new Uint32Array(p.sampleCount * copies + 1),
  };
}

it('labels inlined functions the same with 40 copies of every edge', () => {
  const p = decodePprof(readFileSync(goProfile('cpu')));
  const t = sampleTypeIndex(p, 'cpu');
  const one = computeTop(p, t, { nodecount: 0, nodefraction: 0, edgefraction: 0 });
  const many = computeTop(withManyEdges(p, 40), t, { nodecount: 0, nodefraction: 0, edgefraction: 0 });
  const label = new Map(one.rows.map((r) => [r.name, r.inline]));
  expect(many.rows.length).toBe(one.rows.length * 40);
  for (const r of many.rows) expect(r.inline, r.name).toBe(label.get(r.name.replace(/#\d+$/, '')));
  expect(many.rows.some((r) => r.inline === 'inline')).toBe(true);
});
