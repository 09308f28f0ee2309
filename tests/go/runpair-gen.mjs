// The executions of tests/go/runpair (two versions of one program; version 2's main.parse does
// three times the work), made once and cached under tests/.tmp/runpair with a stamp of the
// source and `go version`: per execution a CPU profile (1000 Hz) and its gctrace log.
// In time order: v1-01 … v1-11, then the versions in turn (v2-01, v1-12, v2-02, … v1-18, v2-08),
// then v2-09, v2-10 (tests/go/runpair -interleave): v1-11…v1-16 and v2-01…v2-06 alternate.
import path from 'node:path';
import { ensureGoProfiles, repoRoot } from './go-gen.mjs';

export const RUNPAIR_PLAN = { v1: 18, v2: 10 };
/** Version 1's executions made before the two versions are interleaved. */
export const RUNPAIR_BEFORE = 11;

export function runpairFiles(version, count) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    const base = `v${version}-${String(i).padStart(2, '0')}`;
    out.push({ cpu: `${base}.cpu.pb.gz`, gclog: `${base}.gctrace.log` });
  }
  return out;
}

/** @returns {Promise<{dir: string, v1: {cpu: string, gclog: string}[], v2: {cpu: string, gclog: string}[]}>} full paths */
export async function ensureRunpair(log = () => {}) {
  const dir = path.join(repoRoot, 'tests', '.tmp', 'runpair');
  const v1 = runpairFiles(1, RUNPAIR_PLAN.v1);
  const v2 = runpairFiles(2, RUNPAIR_PLAN.v2);
  const files = [...v1, ...v2].flatMap((f) => [f.cpu, f.gclog]);
  await ensureGoProfiles({ name: 'runpair', outDir: dir, files, args: ['-plan', `v1:${RUNPAIR_PLAN.v1},v2:${RUNPAIR_PLAN.v2}`, '-interleave', String(RUNPAIR_BEFORE)], log });
  const full = (fs) => fs.map((f) => ({ cpu: path.join(dir, f.cpu), gclog: path.join(dir, f.gclog) }));
  return { dir, v1: full(v1), v2: full(v2) };
}
