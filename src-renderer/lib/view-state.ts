// What the profile view shows, kept in the URL fragment next to gpw serve's token, so a reload,
// the back button's copy of the URL or a pasted link opens the same view: the profile, the tab,
// the sample type, the filters (pprof's meaning), a comparison base or merged profiles, the
// sandwich function and the search. Pure encode/decode plus the two browser calls.

import type { ViewOptions } from '../../src-main/api/types';

export type Tab = 'flame' | 'inverted' | 'tree' | 'sandwich' | 'diff' | 'source' | 'graph';
export const TABS: readonly Tab[] = ['flame', 'inverted', 'tree', 'sandwich', 'diff', 'source', 'graph'];

export type Granularity = NonNullable<ViewOptions['granularity']>;

export const FILTER_KEYS = ['focus', 'ignore', 'hide', 'show', 'showFrom', 'tagfocus', 'tagignore'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
/** The filters, with pprof's option names (the contract's view options). */
export type Filters = Pick<ViewOptions, FilterKey | 'collapseRecursion'>;

/** The engine's view options plus what only the renderer keeps: the tab, the sandwich function, the search. */
export interface ViewState extends ViewOptions {
  tab: Tab;
  /** The sandwich view's function. */
  fn?: string;
  /** The flame graph search (a regexp). */
  q?: string;
  /** Frames outlined in the flame graph (a regexp): the significant functions of a run comparison. */
  mark?: string;
}

const STRING_KEYS = ['sampleType', ...FILTER_KEYS, 'diffBase', 'fn', 'q', 'mark'] as const;
const GRANULARITIES: readonly Granularity[] = ['functions', 'lines', 'files'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function defaultViewState(id: string): ViewState {
  return { id, tab: 'flame' };
}

/** The view as URL parameters; empty options are left out. */
export function encodeViewState(s: ViewState, into = new URLSearchParams()): URLSearchParams {
  into.set('p', s.id);
  if (s.tab !== 'flame') into.set('tab', s.tab);
  if (s.granularity && s.granularity !== 'functions') into.set('granularity', s.granularity);
  for (const k of STRING_KEYS) if (s[k]) into.set(k, s[k]!);
  if (s.collapseRecursion) into.set('collapseRecursion', '1');
  if (s.normalize) into.set('normalize', '1');
  if (s.merge?.length) into.set('merge', s.merge.join(','));
  if (s.diffBase && s.baseMerge?.length) into.set('baseMerge', s.baseMerge.join(','));
  return into;
}

/** The view named by URL parameters, or null when they name no profile; unknown values are dropped. */
export function decodeViewState(params: URLSearchParams): ViewState | null {
  const id = params.get('p');
  if (!id || !ID.test(id)) return null;
  const tab = params.get('tab') as Tab | null;
  const s: ViewState = { id, tab: tab && TABS.includes(tab) ? tab : 'flame' };
  const g = params.get('granularity') as Granularity | null;
  if (g && GRANULARITIES.includes(g)) s.granularity = g;
  for (const k of STRING_KEYS) {
    const v = params.get(k);
    if (v) s[k] = v.slice(0, 1024);
  }
  if (s.diffBase && !ID.test(s.diffBase)) delete s.diffBase;
  if (params.get('collapseRecursion') === '1') s.collapseRecursion = true;
  if (params.get('normalize') === '1') s.normalize = true;
  const merge = params.get('merge')?.split(',').filter((m) => ID.test(m));
  if (merge?.length) s.merge = merge;
  const baseMerge = params.get('baseMerge')?.split(',').filter((m) => ID.test(m));
  if (baseMerge?.length && s.diffBase) s.baseMerge = baseMerge;
  return s;
}

/** The options the engine's view methods take (the renderer's own fields dropped). */
export function viewOptionsOf(s: ViewState): Omit<ViewState, 'tab' | 'fn' | 'q' | 'mark'> {
  const { tab: _tab, fn: _fn, q: _q, mark: _mark, ...options } = s;
  return options;
}

// ---- the browser's URL ----

const VIEW_EVENT = 'gpw-view';

/** The view in the current URL fragment, if any. */
export function viewStateFromUrl(): ViewState | null {
  return decodeViewState(new URLSearchParams(location.hash.slice(1)));
}

/** Puts the view in the URL fragment, keeping gpw serve's token there. */
export function writeViewStateToUrl(s: ViewState): void {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const k of Array.from(params.keys())) if (k !== 'token') params.delete(k);
  const hash = '#' + encodeViewState(s, params).toString();
  if (hash !== location.hash) history.replaceState(history.state, '', hash);
}

/** Asks the app to open a view (from the library's "compare" or "merge"). */
export function requestView(s: ViewState): void {
  writeViewStateToUrl(s);
  window.dispatchEvent(new CustomEvent<ViewState>(VIEW_EVENT, { detail: s }));
}

export function onViewRequest(handler: (s: ViewState) => void): () => void {
  const listener = (ev: Event): void => handler((ev as CustomEvent<ViewState>).detail);
  window.addEventListener(VIEW_EVENT, listener);
  return () => window.removeEventListener(VIEW_EVENT, listener);
}
