// Runs before `npm start`: makes sure better-sqlite3 has a build for Electron's ABI, kept in
// .gpw-native/electron-<abi>/ beside the Node build that tests and `gpw` use, so switching
// between `npm start` and `npm test` never needs a rebuild.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`gpw: ${message}\n`);
  process.exit(1);
}

const electronDir = join(root, 'node_modules/electron');
if (!existsSync(join(electronDir, 'package.json'))) fail('the electron package is not installed: run npm install');

// Requiring electron gives the binary's path, downloading the binary first if it is missing.
let electronBinary;
try {
  electronBinary = require('electron');
} catch (err) {
  fail(`the Electron binary could not be downloaded (${err.message.split('\n')[0]}). Check the network and run npm start again, or use \`npm run web\` to open gpw in a browser.`);
}
if (!existsSync(electronBinary)) fail(`the Electron binary is missing at ${electronBinary}; use \`npm run web\` to open gpw in a browser`);

const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
// The electron package states its Node ABI; older ones are asked by running the binary.
const abiFile = join(electronDir, 'abi_version');
const abi = existsSync(abiFile)
  ? readFileSync(abiFile, 'utf8').trim()
  : execFileSync(electronBinary, ['-p', 'process.versions.modules'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
    }).trim();
const sqliteVersion = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
// Keyed by the ABI and the better-sqlite3 version, so an upgrade of either builds anew.
const target = join(root, '.gpw-native', `electron-${abi}`, `better-sqlite3-${sqliteVersion}`, 'better_sqlite3.node');
if (existsSync(target)) process.exit(0);

process.stdout.write(`gpw: building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}); this happens once and takes about a minute\n`);
const work = join(root, '.gpw-native', 'build', 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(join(root, 'node_modules/better-sqlite3'), work, {
  recursive: true,
  filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
});

const env = { ...process.env };
for (const k of Object.keys(env)) if (/^npm_config_nodedir$/i.test(k)) delete env[k];
const run = (cmd, args) => spawnSync(cmd, args, { cwd: work, env, stdio: 'inherit' }).status === 0;

// better-sqlite3 publishes builds for Electron: try those first, compile only if none fits.
const prebuild = join(root, 'node_modules/prebuild-install/bin.js');
const fetched = existsSync(prebuild) && run(process.execPath, [prebuild, '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`]);
if (!fetched) {
  const nodeGyp = process.env.npm_config_node_gyp; // set by npm for its scripts (npm start)
  if (!nodeGyp) fail('no prebuilt better-sqlite3 for this Electron, and node-gyp was not found: run this through `npm start`');
  const built = run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers']);
  if (!built) fail('building better-sqlite3 for Electron failed (see the output above; a C++ toolchain and Python are needed)');
}
mkdirSync(join(target, '..'), { recursive: true });
cpSync(join(work, 'build/Release/better_sqlite3.node'), target);
rmSync(join(root, '.gpw-native', 'build'), { recursive: true, force: true });
process.stdout.write(`gpw: native module ready at ${target}\n`);
