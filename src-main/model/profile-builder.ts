// Builds a columnar Profile from stacks of named frames, for readers of formats that are not
// pprof (perf script, folded stacks, ...). Strings, functions, mappings, locations and labels
// are interned; samples with the same stack and labels can be summed into one.

import { Growable } from '../formats/growable.js';
import { detached } from '../formats/text-lines.js';
import type { Profile, ProfileMapping, ValueType } from './profile.js';

export interface ProfileBuilderOptions {
  /** May instead be given later with setSampleTypes, once a reader knows them (before the first sample). */
  sampleTypes?: ValueType[];
  /** Sample type shown by default; the last one when absent (as pprof). */
  defaultSampleType?: string;
  periodType?: ValueType | null;
  period?: number;
  timeNanos?: number;
  durationNanos?: number;
  comments?: string[];
  /** Sum samples that have the same locations and labels into one sample (default true). */
  mergeSamples?: boolean;
}

export interface FrameOptions {
  file?: string;
  line?: number;
  /** The binary or module the frame's code lives in (a mapping's file). */
  module?: string;
  address?: number;
}

export class ProfileBuilder {
  private readonly strings: string[] = [''];
  private readonly stringIds = new Map<string, number>([['', 0]]);

  private readonly fnIds = new Map<string, number>();
  private readonly fnName = new Growable(Int32Array, 256);
  private readonly fnSystemName = new Growable(Int32Array, 256);
  private readonly fnFile = new Growable(Int32Array, 256);
  private readonly fnStartLine = new Growable(Float64Array, 256);

  private readonly mappings: ProfileMapping[] = [];
  private readonly mappingIds = new Map<string, number>();

  private readonly locIds = new Map<string, number>();
  private readonly locAddress = new Growable(Float64Array, 256);
  private readonly locMapping = new Growable(Int32Array, 256);
  private readonly locLineStart = new Growable(Uint32Array, 256);
  private readonly lineFunction = new Growable(Int32Array, 256);
  private readonly lineNumber = new Growable(Float64Array, 256);

  private readonly labelIds = new Map<string, number>();
  private readonly labelKey = new Growable(Int32Array, 64);
  private readonly labelStr = new Growable(Int32Array, 64);
  private readonly labelNum = new Growable(Float64Array, 64);
  private readonly labelNumUnit = new Growable(Int32Array, 64);

  private readonly sampleIds = new Map<string, number>();
  private readonly sampleLocStart = new Growable(Uint32Array);
  private readonly sampleLocs = new Growable(Uint32Array);
  private readonly sampleLabelStart = new Growable(Uint32Array);
  private readonly sampleLabels = new Growable(Uint32Array);
  private readonly values: number[] = [];
  private sampleCount = 0;
  private sampleTypes: ValueType[] = [];
  private defaultSampleType: string | undefined;

  constructor(private readonly options: ProfileBuilderOptions = {}) {
    if (options.sampleTypes) this.setSampleTypes(options.sampleTypes, options.defaultSampleType);
    this.locLineStart.push(0);
    this.sampleLocStart.push(0);
    this.sampleLabelStart.push(0);
  }

  setSampleTypes(types: ValueType[], defaultSampleType?: string): void {
    if (types.length === 0) throw new Error('a profile needs at least one sample type');
    if (this.sampleCount > 0) throw new Error('sample types are set before the first sample');
    this.sampleTypes = types.map((t) => ({ ...t }));
    this.defaultSampleType = defaultSampleType ?? types[types.length - 1].type;
  }

  get samples(): number {
    return this.sampleCount;
  }

  string(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      const kept = detached(s);
      this.strings.push(kept);
      this.stringIds.set(kept, id);
    }
    return id;
  }

  /** Index of the function with this name (and file, system name, start line). */
  func(name: string, file = '', systemName = name, startLine = 0): number {
    const key = `${name}\0${file}\0${systemName}\0${startLine}`;
    let id = this.fnIds.get(key);
    if (id === undefined) {
      id = this.fnName.length;
      this.fnName.push(this.string(name));
      this.fnSystemName.push(this.string(systemName));
      this.fnFile.push(this.string(file));
      this.fnStartLine.push(startLine);
      this.fnIds.set(key, id);
    }
    return id;
  }

  /** Index of the mapping (binary, module) with this file name. */
  mapping(file: string, buildId = ''): number {
    const key = `${file}\0${buildId}`;
    let id = this.mappingIds.get(key);
    if (id === undefined) {
      id = this.mappings.length;
      this.mappings.push({ id: id + 1, memoryStart: 0, memoryLimit: 0, fileOffset: 0, file, buildId, hasFunctions: true });
      this.mappingIds.set(key, id);
    }
    return id;
  }

  /**
   * Index of a location: `functions` are its frames innermost first (more than one when calls
   * were inlined), `lines` their line numbers (0 when unknown).
   */
  location(functions: readonly number[], lines: readonly number[] = [], mapping = -1, address = 0): number {
    let key = `${mapping}:${address}`;
    for (let i = 0; i < functions.length; i++) key += `:${functions[i]}/${lines[i] ?? 0}`;
    let id = this.locIds.get(key);
    if (id === undefined) {
      id = this.locAddress.length;
      this.locAddress.push(address);
      this.locMapping.push(mapping);
      for (let i = 0; i < functions.length; i++) {
        this.lineFunction.push(functions[i]);
        this.lineNumber.push(lines[i] ?? 0);
      }
      this.locLineStart.push(this.lineFunction.length);
      this.locIds.set(key, id);
    }
    return id;
  }

  /** Index of a one-frame location for a function named `name`. */
  frame(name: string, opts: FrameOptions = {}): number {
    const fn = this.func(name, opts.file ?? '');
    const mapping = opts.module === undefined ? -1 : this.mapping(opts.module);
    return this.location([fn], [opts.line ?? 0], mapping, opts.address ?? 0);
  }

  /** Index of a label: a string value, or a number (with an optional unit). */
  label(key: string, value: string | number, unit = ''): number {
    const ikey = typeof value === 'string' ? `${key}\0s${value}` : `${key}\0n${value}\0${unit}`;
    let id = this.labelIds.get(ikey);
    if (id === undefined) {
      id = this.labelKey.length;
      this.labelKey.push(this.string(key));
      this.labelStr.push(typeof value === 'string' ? this.string(value) : 0);
      this.labelNum.push(typeof value === 'string' ? 0 : value);
      this.labelNumUnit.push(typeof value === 'string' ? 0 : this.string(unit));
      this.labelIds.set(ikey, id);
    }
    return id;
  }

  /** Adds a sample: `locations` leaf first, one value per sample type, label indices from label(). */
  addSample(locations: ArrayLike<number>, values: ArrayLike<number>, labels: ArrayLike<number> = []): void {
    const nTypes = this.sampleTypes.length;
    if (values.length !== nTypes || nTypes === 0) throw new Error(`a sample needs ${nTypes} values, got ${values.length}`);
    if (this.options.mergeSamples !== false) {
      const key = Array.prototype.join.call(locations, ',') + '|' + Array.prototype.join.call(labels, ',');
      const existing = this.sampleIds.get(key);
      if (existing !== undefined) {
        const at = existing * nTypes;
        for (let i = 0; i < values.length; i++) this.values[at + i] += values[i];
        return;
      }
      this.sampleIds.set(key, this.sampleCount);
    }
    for (let i = 0; i < locations.length; i++) this.sampleLocs.push(locations[i]);
    this.sampleLocStart.push(this.sampleLocs.length);
    for (let i = 0; i < labels.length; i++) this.sampleLabels.push(labels[i]);
    this.sampleLabelStart.push(this.sampleLabels.length);
    for (let i = 0; i < values.length; i++) this.values.push(values[i]);
    this.sampleCount++;
  }

  build(): Profile {
    const o = this.options;
    if (this.sampleTypes.length === 0) throw new Error('a profile needs at least one sample type');
    // Labels are stored per sample (parallel arrays), as the decoder stores them.
    const labelIdx = this.sampleLabels.finish();
    const labelKeys = this.labelKey.finish();
    const labelStrs = this.labelStr.finish();
    const labelNums = this.labelNum.finish();
    const labelUnits = this.labelNumUnit.finish();
    const n = labelIdx.length;
    const labelKey = new Int32Array(n);
    const labelStr = new Int32Array(n);
    const labelNum = new Float64Array(n);
    const labelNumUnit = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const l = labelIdx[i];
      labelKey[i] = labelKeys[l];
      labelStr[i] = labelStrs[l];
      labelNum[i] = labelNums[l];
      labelNumUnit[i] = labelUnits[l];
    }
    return {
      sampleTypes: this.sampleTypes.map((t) => ({ ...t })),
      defaultSampleType: this.defaultSampleType ?? '',
      periodType: o.periodType ?? null,
      period: o.period ?? 0,
      timeNanos: o.timeNanos ?? 0,
      durationNanos: o.durationNanos ?? 0,
      comments: o.comments ?? [],
      dropFrames: '',
      keepFrames: '',
      strings: this.strings.slice(),
      functionName: this.fnName.finish(),
      functionSystemName: this.fnSystemName.finish(),
      functionFile: this.fnFile.finish(),
      functionStartLine: this.fnStartLine.finish(),
      mappings: this.mappings.map((m) => ({ ...m })),
      locAddress: this.locAddress.finish(),
      locMapping: this.locMapping.finish(),
      locLineStart: this.locLineStart.finish(),
      lineFunction: this.lineFunction.finish(),
      lineNumber: this.lineNumber.finish(),
      sampleCount: this.sampleCount,
      sampleLocStart: this.sampleLocStart.finish(),
      sampleLocs: this.sampleLocs.finish(),
      values: Float64Array.from(this.values),
      sampleLabelStart: this.sampleLabelStart.finish(),
      labelKey,
      labelStr,
      labelNum,
      labelNumUnit,
    };
  }
}
