// The built bundles keep the architecture's promises: only the Electron entry imports electron
// (the engine, CLI and worker run under plain Node), and the preload is one CommonJS file whose
// only require is electron, as a sandboxed preload must be.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../helpers/paths';

const MAIN = repoPath('out/main');
const mainFiles = [...readdirSync(MAIN).filter((f) => f.endsWith('.js')), ...readdirSync(join(MAIN, 'chunks')).map((f) => `chunks/${f}`)];
const importsOf = (code: string): string[] => [...code.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);

describe('main bundles', () => {
  it.each(mainFiles.filter((f) => f !== 'index.js'))('%s never imports electron', (file) => {
    const code = readFileSync(join(MAIN, file), 'utf8');
    expect(importsOf(code)).not.toContain('electron');
    expect(code).not.toMatch(/require\(["']electron["']\)/);
  });

  it('the Electron entry is the one that does', () => {
    expect(importsOf(readFileSync(join(MAIN, 'index.js'), 'utf8'))).toContain('electron');
  });
});

describe('preload', () => {
  const code = readFileSync(repoPath('out/preload/index.cjs'), 'utf8');

  it('is CommonJS that requires nothing but electron', () => {
    const requires = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/^\s*export\s/m);
  });

  it('exposes the contract through contextBridge and invokes one channel per method', () => {
    expect(code).toMatch(/contextBridge\.exposeInMainWorld\(\s*["']gpw["']/);
    expect(code).toMatch(/ipcRenderer\.invoke\(/);
    expect(code).not.toMatch(/ipcRenderer\.send\(|ipcRenderer\.on\(/);
  });
});
