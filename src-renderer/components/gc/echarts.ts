// echarts, tree-shaken: only the charts and components the GC view draws, on canvas (no eval,
// no injected scripts: it runs under the renderer's CSP).

import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import type { YAXisComponentOption } from 'echarts';
import { LineChart, ScatterChart, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkLineComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
  type MarkLineComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | MarkLineComponentOption
>;

/** A chart in `el` that follows the element's size; dispose() when done. */
export function makeChart(el: HTMLElement): { chart: ECharts; dispose: () => void } {
  const chart = init(el, undefined, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return {
    chart,
    dispose: () => {
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** A thin line on a value axis, without animation; `symbols` marks every point (sparse series). */
export function lineSeries(name: string, data: [number, number][], color: string, o: { yAxisIndex?: number; dashed?: boolean; symbols?: boolean } = {}): LineSeriesOption {
  return {
    name,
    type: 'line',
    data,
    yAxisIndex: o.yAxisIndex ?? 0,
    ...(o.symbols ? { showSymbol: true, symbolSize: 4 } : { showSymbol: false }),
    lineStyle: { width: 1, color, type: o.dashed ? 'dashed' : 'solid' },
    itemStyle: { color },
    animation: false,
  };
}

/** A chart over the run's seconds with a value axis on each side; the tooltip prints `digits` decimals. */
export function twoAxisTimeChart(o: { yAxis: [YAXisComponentOption, YAXisComponentOption]; series: LineSeriesOption[]; digits: number }): ChartOption {
  return {
    animation: false,
    grid: { left: 56, right: 56, top: 40, bottom: 30 },
    legend: { top: 0, left: 'center', textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(o.digits) : String(v)) },
    xAxis: { type: 'value', name: 's', min: 0, axisLabel: { fontSize: 11 } },
    yAxis: o.yAxis,
    series: o.series,
  };
}

export const MiB = 2 ** 20;
export const mib = (bytes: number): number => Math.round((bytes / MiB) * 100) / 100;
