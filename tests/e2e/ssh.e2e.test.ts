// End to end in Chromium via gpw serve: add an SSH host (a real sshd on 127.0.0.1, the key in a
// real ssh-agent), accept its host key by fingerprint, list its processes (the Go service
// marked), record perf on it, and open the flame graph. Screenshots land in
// tests/.tmp/screenshots-ssh/.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO, repoPath, tempDir } from '../helpers/paths';
import { startServe, type ServeProcess } from '../helpers/serve';
import { buildSshTarget, ensureTestUser, makeKeyPair, sshdUnavailable, startSshd, testUserIds, type Sshd } from '../helpers/sshd';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is absent` : sshdUnavailable();
const SHOTS = repoPath('tests/.tmp/screenshots-ssh');
const STEP_MS = 15_000;

describe.skipIf(skip !== null)('SSH in the app (Chromium via gpw serve)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sshd: Sshd;
  let agent: ChildProcess;
  let service: ChildProcess;
  let server: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const user = ensureTestUser();
    tmp = tempDir('gpw-ssh-e2e-');
    const home = join(tmp.dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const key = makeKeyPair(tmp.dir, 'agent_key');
    // The key lives only in ssh-agent: no key files in ~/.ssh.
    const sock = join(tmp.dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
    execFileSync('ssh-add', ['-q', key.privatePath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    sshd = await startSshd({ user, authorizedKeys: [key.publicLine] });
    const go = buildSshTarget(REPO);
    service = spawn(go.bin, [], { ...testUserIds(), stdio: 'ignore' });
    process.env.HOME = home;
    process.env.SSH_AUTH_SOCK = sock;
    const profile = tempDir('gpw-ssh-e2e-chromium-');
    const cleanupProfile = profile.cleanup;
    const oldCleanup = tmp.cleanup;
    tmp.cleanup = () => (oldCleanup(), cleanupProfile());
    [server, context] = await Promise.all([
      startServe(join(tmp.dir, 'lib.sqlite')),
      chromium.launchPersistentContext(profile.dir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1440, height: 900 },
        timeout: 30_000,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
    ]);
    page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(server.url);
  }, 180_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop();
    service?.kill('SIGKILL');
    agent?.kill('SIGTERM');
    await sshd?.stop();
    process.env.HOME = saved.HOME;
    if (saved.SSH_AUTH_SOCK === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
    tmp?.cleanup();
  });

  it('adds a host, accepts its key, lists processes, records perf on the Go service and shows the flame graph', async () => {
    await page.getByTestId('ssh-button').click();
    await page.getByTestId('ssh-add').click();
    await page.getByTestId('ssh-add-name').fill('testbox');
    await page.getByTestId('ssh-add-hostname').fill('127.0.0.1');
    await page.getByTestId('ssh-add-user').fill('gpwssh');
    await page.getByTestId('ssh-add-port').fill(String(sshd.port));
    await page.getByTestId('ssh-add-save').click();
    await expect.poll(() => page.getByTestId('ssh-host').allTextContents()).toEqual([expect.stringContaining('testbox')]);

    // Unknown host key: its fingerprint is shown, nothing connects until the user accepts.
    await page.getByTestId('ssh-connect').click();
    await page.getByTestId('ssh-hostkey').waitFor();
    expect(await page.getByTestId('ssh-fingerprint').textContent()).toBe(sshd.hostKey.fingerprint);
    await shot('1-host-key');
    await page.getByTestId('ssh-accept-key').click();

    // Connected (through the agent): the processes, the Go service marked with its Go version.
    const row = page.locator(`[data-testid=ssh-process][data-pid="${service.pid}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toMatch(/go1\.\d+/);
    await shot('2-processes');
    await row.click();
    expect(await page.getByTestId('ssh-perf-pid').textContent()).toBe(String(service.pid));

    await page.getByTestId('ssh-preflight').click();
    await page.getByTestId('ssh-checks').waitFor();
    expect(await page.getByTestId('ssh-checks').textContent()).toMatch(/perf version[\s\S]*Go program/);
    await page.getByTestId('ssh-perf-seconds').fill('3');
    await page.getByTestId('ssh-record').click();
    await page.locator('[data-testid=ssh-job][data-phase=done]').waitFor({ timeout: 45_000 });
    await shot('3-recorded');

    await page.getByTestId('ssh-open-artifact').click();
    const canvas = page.locator('[data-testid=flame-canvas]');
    await canvas.waitFor();
    await expect.poll(() => page.locator('[data-testid=top-table]').textContent(), { timeout: STEP_MS }).toContain('main.burnCPU');
    const painted = await canvas.evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] >= 250) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(1000);
    await shot('4-flame-graph');
    expect(errors).toEqual([]);
  }, 120_000);
});

it.runIf(skip !== null)('SSH e2e skipped', () => {
  console.warn(`SSH e2e skipped: ${skip}`);
});
