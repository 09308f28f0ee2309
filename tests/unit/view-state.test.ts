// The profile view's state in the URL fragment: every option survives a round trip, gpw
// serve's token is kept beside it, and hostile or unknown values are dropped.
import { expect, it } from 'vitest';
import { decodeViewState, encodeViewState, viewOptionsOf, type ViewState } from '../../src-renderer/lib/view-state';

it('round-trips a full view and keeps other parameters (the token)', () => {
  const full: ViewState = {
    id: 'abc123',
    tab: 'sandwich',
    sampleType: 'alloc_space',
    granularity: 'lines',
    focus: '^main\\.(a|b)$',
    ignore: 'runtime',
    hide: 'x&y=z',
    show: 'main',
    tagfocus: 'bytes=1kb:64kb',
    tagignore: 'worker=sort',
    collapseRecursion: true,
    diffBase: 'base_1',
    normalize: true,
    merge: ['m1', 'm-2'],
    fn: 'main.(*T).run',
    q: 'hash',
  };
  const params = encodeViewState(full, new URLSearchParams('token=secret'));
  expect(params.get('token')).toBe('secret');
  expect(decodeViewState(new URLSearchParams(params.toString()))).toEqual(full);
  expect(viewOptionsOf(full)).not.toHaveProperty('tab');
  expect(viewOptionsOf(full)).toMatchObject({ id: 'abc123', focus: full.focus, merge: ['m1', 'm-2'] });
});

it('leaves out defaults and drops what it does not know', () => {
  expect(encodeViewState({ id: 'x', tab: 'flame', granularity: 'functions' }).toString()).toBe('p=x');
  expect(decodeViewState(new URLSearchParams('tab=nope'))).toBeNull();
  expect(decodeViewState(new URLSearchParams('p=../etc'))).toBeNull();
  expect(decodeViewState(new URLSearchParams('p=x&tab=evil&granularity=bytes&diffBase=..%2F&merge=a,%2E%2E,b&normalize=yes'))).toEqual({ id: 'x', tab: 'flame', merge: ['a', 'b'] });
  expect(decodeViewState(new URLSearchParams(`p=x&focus=${'a'.repeat(5000)}`))!.focus).toHaveLength(1024);
});
