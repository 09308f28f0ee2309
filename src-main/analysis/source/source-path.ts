// Where the source of a profile's file name may be on this machine, in the order gpw looks:
// pprof's own rules first (-trim_path prefixes, the basename-of-a-search-folder heuristic,
// each search folder and its parents), then the Go installation and the module cache for the
// standard library and dependencies. Pure: the service opens the candidates.

/** A slash path's parent ("/a/b" → "/a", "/" → "/", "a" → "."). */
function parentOf(dir: string): string {
  const trimmed = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : trimmed.slice(0, i);
}

function baseOf(dir: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}

function joinPath(dir: string, rel: string): string {
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

const isAbsolute = (p: string): boolean => p.startsWith('/');

/**
 * pprof's trimPath: without -trim_path, a search folder's base name found inside the path
 * drops everything up to it ("/build/x/myproj/a/b.go" with folder ".../myproj" → "a/b.go");
 * then the -trim_path prefixes (':'-separated) and /proc/self/cwd/ are removed.
 */
export function trimSourcePath(path: string, trimPath: string, searchPath: string[]): string {
  if (trimPath === '') {
    for (const dir of searchPath) {
      const want = `/${baseOf(dir)}/`;
      const found = path.indexOf(want);
      if (found !== -1) return path.slice(found + want.length);
    }
  }
  const prefixes = [...(trimPath === '' ? [] : trimPath.split(':')), '/proc/self/cwd/./', '/proc/self/cwd/'];
  for (let prefix of prefixes) {
    if (!prefix.endsWith('/')) prefix += '/';
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}

/** Where Go keeps the standard library and downloaded modules on this machine. */
export interface GoDirs {
  goroot?: string;
  modcache?: string;
}

/**
 * The files to try for `path` (already trimmed), best first: an absolute path as it is, or a
 * relative one under each search folder and each of their parents (pprof's order); then GOROOT
 * and the module cache, for paths recorded on another machine or by a -trimpath build.
 */
export function sourceCandidates(path: string, searchPath: string[], go: GoDirs = {}): string[] {
  const out: string[] = [];
  if (isAbsolute(path)) out.push(path);
  else {
    for (let dir of searchPath) {
      for (;;) {
        out.push(joinPath(dir, path));
        const parent = parentOf(dir);
        if (parent === dir) break;
        dir = parent;
      }
    }
  }
  const rel = path.replace(/^\/+/, '');
  if (go.goroot) {
    // "/usr/local/go/src/runtime/proc.go" from another machine, or "runtime/proc.go" from -trimpath.
    const src = /(^|\/)src\/(.+)$/.exec(rel);
    if (src && /(^|\/)go\/src\//.test(rel)) out.push(joinPath(joinPath(go.goroot, 'src'), src[2]));
    if (!isAbsolute(path) && !/^[^/]*\.[^/]*\//.test(rel) && !rel.includes('@')) out.push(joinPath(joinPath(go.goroot, 'src'), rel));
  }
  if (go.modcache) {
    // ".../pkg/mod/example.com/m@v1.2.3/x.go", or "example.com/m@v1.2.3/x.go" from -trimpath.
    const mod = /(?:^|\/)pkg\/mod\/(.+@.+)$/.exec(rel);
    if (mod) out.push(joinPath(go.modcache, mod[1]));
    else if (!isAbsolute(path) && /^[^/]+\.[^/]+\/.*@/.test(rel)) out.push(joinPath(go.modcache, rel));
  }
  return [...new Set(out)];
}

/** pprof's message when no candidate opens. */
export function notFoundMessage(path: string, searchPath: string[]): string {
  if (isAbsolute(path)) return `open ${path}: no such file or directory`;
  return `could not find file ${path} on path ${searchPath.join(':')}`;
}
