// The timeline's lane rasteriser lives with the trace analyses (the engine rasterises the first
// view of a big trace for the view: analysis/trace/timeline-overview.ts); the canvas uses the same code.
export * from '../../src-main/analysis/trace/lane-raster';
