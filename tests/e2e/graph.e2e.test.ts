// End to end, the call graph in Chromium via gpw serve: a real CPU profile (tests/go/profgen)
// and a real allocs profile (tests/go/hotspots) open on the Graph tab; the nodes and edges drawn
// are those of `gpw graph` (itself equal to pprof -dot), no two boxes overlap, residual edges are
// dashed (with fewer nodes chosen); clicking a node selects its function and "source" opens its source. Screenshots:
// tests/.tmp/screenshots/graph-*.png (looked at).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, openServedPage } from '../helpers/chromium';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { hotspots } from '../helpers/hotspots';
import type { CallGraph } from '../../src-main/api/graph-types';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

/** Boxes of the drawn nodes (screen coordinates), and whether any two overlap. */
async function nodeBoxes(page: Page): Promise<{ names: string[]; overlaps: string[] }> {
  return page.getByTestId('graph-node').evaluateAll((gs) => {
    const boxes = gs.map((g) => ({ name: (g.querySelector('title')?.textContent ?? '').split('\n')[0], r: g.querySelector('rect')!.getBoundingClientRect() }));
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(`${boxes[i].name} / ${boxes[j].name}`);
      }
    }
    return { names: boxes.map((b) => b.name), overlaps };
  });
}

describe.skipIf(!HAVE_CHROMIUM)(`the call graph in Chromium${HAVE_CHROMIUM ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let context: BrowserContext | undefined;
  let server: ServeProcess | undefined;
  let page: Page;
  let lib = '';
  let cpuId = '';
  let heapId = '';
  const cleanups: (() => void)[] = [];
  const errors: string[] = [];
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `graph-${name}.png`), fullPage: false });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('gpw-e2e-graph-');
    cleanups.push(dir.cleanup);
    lib = join(dir.dir, 'lib.sqlite');
    const p = await hotspots('local');
    const imported = await gpwJson<{ artifacts: { id: string; file: string }[] }>(lib, 'import', goProfile('cpu'), p('heap.pb.gz'));
    [cpuId, heapId] = imported.artifacts.map((a) => a.id);
    const chromeDir = tempDir('gpw-e2e-graph-chromium-');
    cleanups.push(chromeDir.cleanup);
    server = await startServe(lib, 45_000, ['--source-path', repoPath('tests/go'), '--trim-path', 'gpw/tests']);
    context = await launchChromium(chromeDir.dir);
    page = await openServedPage(context, `${server.url}&p=${cpuId}`, errors, STEP_MS);
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('the CPU profile: the graph of gpw graph, boxes apart; a click selects, "source" opens it', async () => {
    await page.getByTestId('tab-graph').click();
    await page.getByTestId('graph-svg').waitFor({ timeout: STEP_MS });
    const ref = await gpwJson<CallGraph>(lib, 'graph', cpuId);
    const nodes = page.getByTestId('graph-node');
    await expect.poll(() => nodes.count(), { timeout: STEP_MS }).toBe(ref.nodes.length);
    const drawn = await nodeBoxes(page);
    expect(drawn.names.sort()).toEqual(ref.nodes.map((n) => n.name).sort());
    expect(drawn.overlaps).toEqual([]);
    expect(await page.locator('[data-testid^="graph-edge"]').count()).toBe(ref.edges.length);
    expect(await page.getByTestId('graph-legend').textContent()).toMatch(/cpu: nodes accounting for .*s, .*% of .*s total/);
    await shot('1-cpu');

    // The heaviest flat node, clicked (the whole graph in view first): selected for the other
    // tabs; "source" opens its source.
    await page.getByTestId('graph-fit').click();
    const top = [...ref.nodes].sort((a, b) => b.flat - a.flat)[0];
    const node = nodes.filter({ has: page.locator('title', { hasText: top.name }) }).first();
    const at = await node.boundingBox();
    await node.click();
    await expect.poll(() => page.getByTestId('graph-selection').textContent(), { timeout: STEP_MS }).toContain(top.name);
    // Selecting keeps the drawing where it was (no new request, no new fit).
    await page.waitForTimeout(300);
    const after = await node.boundingBox();
    // (Its outline grows by a pixel or two when selected.)
    expect(Math.abs(after!.x + after!.width / 2 - (at!.x + at!.width / 2))).toBeLessThan(2);
    expect(Math.abs(after!.width - at!.width)).toBeLessThan(4);
    await shot('2-selected');
    await page.getByTestId('graph-action-source').click();
    await page.getByTestId('source-view').waitFor({ timeout: STEP_MS });
    expect(await page.getByTestId('source-function').first().textContent()).toContain(top.name);
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain('tab=source');
    expect(errors).toEqual([]);
  });

  it('fewer nodes: residual edges dashed, as gpw graph --nodecount 10 has them', async () => {
    await page.getByTestId('tab-graph').click();
    await page.getByTestId('graph-nodecount').selectOption('10');
    const ref = await gpwJson<CallGraph>(lib, 'graph', cpuId, '--nodecount', '10');
    const residual = ref.edges.filter((e) => e.residual).length;
    expect(residual).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('graph-node').count(), { timeout: STEP_MS }).toBe(ref.nodes.length);
    await expect.poll(() => page.getByTestId('graph-edge-residual').count(), { timeout: STEP_MS }).toBe(residual);
    const dashed = await page.getByTestId('graph-edge-residual').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-dasharray')));
    expect(dashed.every((d) => d !== null && d !== '')).toBe(true);
    expect((await nodeBoxes(page)).overlaps).toEqual([]);
    expect(await page.getByTestId('graph-legend').textContent()).toMatch(new RegExp(`the ${ref.nodes.length} most telling of ${ref.keptNodes} nodes.*dashed`));
    await shot('3-nodecount-10');
    expect(errors).toEqual([]);
  });

  it('alloc_space: the graph of gpw graph, boxes apart; pan and zoom move the drawing', async () => {
    // Another profile by its link (the hash changes only: loaded afresh).
    await page.goto(`${server!.url}&p=${heapId}&sampleType=alloc_space&tab=graph`);
    await page.reload();
    await page.getByTestId('graph-svg').waitFor({ timeout: STEP_MS });
    const ref = await gpwJson<CallGraph>(lib, 'graph', heapId, '--sample-index', 'alloc_space');
    await expect.poll(() => page.getByTestId('graph-node').count(), { timeout: STEP_MS }).toBe(ref.nodes.length);
    const drawn = await nodeBoxes(page);
    expect(drawn.names.sort()).toEqual(ref.nodes.map((n) => n.name).sort());
    expect(drawn.overlaps).toEqual([]);
    expect(await page.locator('[data-testid^="graph-edge"]').count()).toBe(ref.edges.length);
    await shot('4-alloc-space');

    const before = await page.getByTestId('graph-node').first().boundingBox();
    const pane = await page.getByTestId('graph-svg').boundingBox();
    await page.mouse.move(pane!.x + 20, pane!.y + pane!.height - 20);
    await page.mouse.down();
    await page.mouse.move(pane!.x + 120, pane!.y + pane!.height - 60, { steps: 5 });
    await page.mouse.up();
    const moved = await page.getByTestId('graph-node').first().boundingBox();
    expect(Math.round(moved!.x - before!.x)).toBe(100);
    await page.mouse.move(pane!.x + pane!.width / 2, pane!.y + pane!.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await page.getByTestId('graph-node').first().boundingBox())!.width, { timeout: STEP_MS }).toBeGreaterThan(moved!.width * 1.2);
    expect(errors).toEqual([]);
  });
});
