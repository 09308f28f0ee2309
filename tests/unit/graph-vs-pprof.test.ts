// gpw graph equals `go tool pprof -dot` on the same real profiles with the same options: the
// nodes with flat and cum, the edges with weights, inline marks and residual (dotted) edges,
// and the legend's counts (shown flat, dropped nodes and edges, "top N out of M"). pprof's dot
// output is parsed here, with values in base units (-unit=ns / -unit=B) so nothing is rounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gpw, gpwJson, run } from '../helpers/run';
import { goProfile, tempDir } from '../helpers/paths';
import { hotspots } from '../helpers/hotspots';
import { diffSideBytes } from '../helpers/pprof-bytes';
import { writeFileSync } from 'node:fs';
import type { CallGraph } from '../../src-main/api/graph-types';

let p: (f: string) => string;
const tmp = tempDir('gpw-graph-');
const lib = join(tmp.dir, 'lib.db');
beforeAll(async () => {
  p = await hotspots('local');
}, 600_000);
afterAll(() => tmp.cleanup());

interface Parsed {
  nodes: string[];
  edges: string[];
  legend: { shownFlat: number; droppedNodes: number; droppedEdges: number; top: string | null };
}

/** "610000000ns" / "24064B" / "51" as a number; pprof prints 0 bare. */
const num = (s: string): number => {
  const m = /^(-?\d+(?:\.\d+)?)(ns|B)?$/.exec(s);
  if (!m) throw new Error(`not a base-unit value: ${s}`);
  return Number(m[1]);
};

function parseDot(dot: string): Parsed {
  const names = new Map<string, string>();
  const nodes: string[] = [];
  const edges: string[] = [];
  let legendText = '';
  for (const line of dot.split('\n')) {
    let m: RegExpExecArray | null;
    // (With a tooltip where the profile names its file; without one in a profile that has none.)
    if ((m = /^subgraph cluster_L \{ .* label="(.*?)"(?: tooltip=.*)?\] \}$/.exec(line))) legendText = m[1];
    else if ((m = /^N(\d+) \[label="(.*?)" id="node\d+" .* tooltip="(.*) \(([^()]*)\)" color=/.exec(line))) {
      const [, id, label, name] = m;
      names.set(id, name);
      // The label ends with "FLAT (x%)", "FLAT (x%)\nof CUM (y%)" or "0 of CUM (y%)".
      const f = /\\n(?:([^\\\s]+) \([^()]*\)(?:\\nof ([^\\\s]+) \([^()]*\))?|0 of ([^\\\s]+) \([^()]*\))$/.exec(label);
      if (!f) throw new Error(`unexpected node label: ${label}`);
      const flat = f[3] !== undefined ? 0 : num(f[1]);
      const cum = f[3] !== undefined ? num(f[3]) : f[2] !== undefined ? num(f[2]) : flat;
      nodes.push(`${name} flat=${flat} cum=${cum}`);
    } else if ((m = /^N(\d+) -> N(\d+) \[label=" (\S+?)(\\n \(inline\))?"(.*)\]$/.exec(line))) {
      const [, from, to, w, inline, rest] = m;
      edges.push(`${names.get(from)} -> ${names.get(to)} ${num(w)}${inline ? ' inline' : ''}${/style="dotted"/.test(rest) ? ' residual' : ''}`);
    }
  }
  const legend = legendText.split('\\l');
  const count = (re: RegExp): number => Number(legend.map((l) => re.exec(l)?.[1]).find((x) => x !== undefined) ?? 0);
  const shown = legend.map((l) => /^Showing nodes accounting for (\S+),/.exec(l)?.[1]).find((x) => x !== undefined);
  if (shown === undefined) throw new Error(`no legend in pprof's output:\n${dot.slice(0, 2000)}`);
  return {
    nodes: nodes.sort(),
    edges: edges.sort(),
    legend: {
      shownFlat: num(shown),
      droppedNodes: count(/^Dropped (\d+) nodes? /),
      droppedEdges: count(/^Dropped (\d+) edges? /),
      top: legend.find((l) => l.startsWith('Showing top ')) ?? null,
    },
  };
}

function fromGpw(g: CallGraph): Parsed {
  return {
    nodes: g.nodes.map((n) => `${n.name} flat=${n.flat} cum=${n.cum}`).sort(),
    edges: g.edges.map((e) => `${g.nodes[e.from].name} -> ${g.nodes[e.to].name} ${e.weight}${e.inline ? ' inline' : ''}${e.residual ? ' residual' : ''}`).sort(),
    legend: {
      shownFlat: g.shownFlat,
      droppedNodes: g.droppedNodes,
      droppedEdges: g.droppedEdges,
      top: g.nodes.length > 0 && g.nodes.length < g.keptNodes ? `Showing top ${g.nodes.length} nodes out of ${g.keptNodes}` : null,
    },
  };
}

/** [label, file, unit, gpw flags, pprof flags]; the options are given to both as flags. */
type Case = [label: string, file: () => string, unit: string, opts: Record<string, string>];
const CASES: Case[] = [
  ['hotspots CPU', () => p('cpu.pb.gz'), 'ns', {}],
  ['hotspots CPU, focus on an inlined function', () => p('cpu.pb.gz'), 'ns', { focus: 'main\\.mix' }],
  ['hotspots CPU, nodecount 3', () => p('cpu.pb.gz'), 'ns', { nodecount: '3' }],
  ['hotspots alloc_space', () => p('heap.pb.gz'), 'B', { sample_index: 'alloc_space' }],
  ['hotspots alloc_space, nodecount 12 (residual edges)', () => p('heap.pb.gz'), 'B', { sample_index: 'alloc_space', nodecount: '12' }],
  ['hotspots alloc_space, focus', () => p('heap.pb.gz'), 'B', { sample_index: 'alloc_space', focus: 'main\\.allocate', nodecount: '6' }],
  ['hotspots alloc_objects, ignore, fractions', () => p('heap.pb.gz'), '', { sample_index: 'alloc_objects', ignore: 'main\\.big', nodefraction: '0.02', edgefraction: '0.01' }],
  ['profgen CPU', () => goProfile('cpu'), 'ns', {}],
  ['profgen CPU, nodecount 8, hide', () => goProfile('cpu'), 'ns', { nodecount: '8', hide: 'runtime\\.' }],
  ['profgen allocs alloc_space', () => goProfile('allocs'), 'B', { sample_index: 'alloc_space' }],
  ['profgen allocs alloc_space, nodecount 10', () => goProfile('allocs'), 'B', { sample_index: 'alloc_space', nodecount: '10' }],
  ['profgen allocs, all nodes', () => goProfile('allocs'), 'B', { sample_index: 'alloc_space', nodecount: '0', nodefraction: '0', edgefraction: '0' }],
];

describe('gpw graph = go tool pprof -dot', () => {
  for (const [label, file, unit, opts] of CASES) {
    it(label, async () => {
      const gpwFlags = Object.entries(opts).flatMap(([k, v]) => [`--${k === 'sample_index' ? 'sample-index' : k}`, v]);
      const pprofFlags = Object.entries(opts).map(([k, v]) => `-${k}=${v}`);
      const [mine, ref] = await Promise.all([
        gpwJson<CallGraph>(lib, 'graph', file(), ...gpwFlags),
        run('go', ['tool', 'pprof', '-dot', ...(unit ? [`-unit=${unit}`] : []), ...pprofFlags, file()]),
      ]);
      expect(ref.code, ref.stderr).toBe(0);
      const want = parseDot(ref.stdout);
      const got = fromGpw(mine);
      expect(want.nodes.length).toBeGreaterThan(0);
      expect(got.nodes).toEqual(want.nodes);
      expect(got.edges).toEqual(want.edges);
      expect(got.legend).toEqual(want.legend);
    });
  }

  it('a diff whose caller nets to nothing (pprof cuts no node): the same nodes, edges and legend', async () => {
    const [file, base] = [join(tmp.dir, 'diff-new.pb.gz'), join(tmp.dir, 'diff-base.pb.gz')];
    writeFileSync(file, diffSideBytes('new'));
    writeFileSync(base, diffSideBytes('base'));
    const [mine, ref] = await Promise.all([
      gpwJson<CallGraph>(lib, 'graph', file, '--diff-base', base),
      run('go', ['tool', 'pprof', '-dot', '-symbolize=none', `-diff_base=${base}`, file]),
    ]);
    expect(ref.code, ref.stderr).toBe(0);
    const want = parseDot(ref.stdout);
    expect(want.nodes.length).toBeGreaterThan(0);
    expect(fromGpw(mine)).toEqual(want);
  });

  it('residual edges appear when nodes are left out, and --dot marks them dotted', async () => {
    const g = await gpwJson<CallGraph>(lib, 'graph', goProfile('cpu'), '--nodecount', '8', '--hide', 'runtime\\.');
    const dot = await gpw(lib, 'graph', goProfile('cpu'), '--nodecount', '8', '--hide', 'runtime\\.', '--dot');
    expect(dot.code, dot.stderr).toBe(0);
    expect(dot.stdout).toMatch(/^digraph /);
    const residual = g.edges.filter((e) => e.residual).length;
    expect(residual).toBeGreaterThan(0);
    expect((dot.stdout.match(/style="dotted"/g) ?? []).length).toBe(residual);
  });

  it('bad options are refused plainly', async () => {
    const r = await gpw(lib, 'graph', p('cpu.pb.gz'), '--nodefraction', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nodefraction must be a fraction between 0 and 1/);
  });
});
