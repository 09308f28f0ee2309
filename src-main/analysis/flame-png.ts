// The SVG flame graph rasterised to PNG with resvg (a Rust SVG renderer, prebuilt for Node), so
// the picture is the same drawing as the SVG, labels in the same monospace font.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FlameGraph } from './flame-graph.js';
import { renderFlameSvg, type FlameSvgOptions } from './flame-svg.js';

/** Fonts tried first for the labels; the system's fonts are searched as well. */
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', '/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf'];

type ResvgModule = typeof import('@resvg/resvg-js');
let resvgModule: ResvgModule | null = null;

/** The native renderer, loaded on first use (most commands never draw a PNG). */
function resvg(): ResvgModule {
  resvgModule ??= createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  return resvgModule;
}

export function renderFlamePng(graph: FlameGraph, options: FlameSvgOptions = {}): Uint8Array {
  const svg = renderFlameSvg(graph, options);
  const { Resvg } = resvg();
  const renderer = new Resvg(svg, {
    font: { loadSystemFonts: true, fontFiles: FONT_FILES.filter((f) => existsSync(f)), defaultFontFamily: 'DejaVu Sans Mono', monospaceFamily: 'DejaVu Sans Mono' },
    background: '#ffffff',
  });
  // A copy in its own buffer (Node's Buffer may share a pool), so it can be transferred.
  return new Uint8Array(renderer.render().asPng());
}
