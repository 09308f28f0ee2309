// End to end in Chromium via gpw serve: add an SSH host (a real sshd on 127.0.0.1, the key in a
// real ssh-agent), accept its host key by fingerprint, list its processes (the Go service
// marked), record perf on it, and open the flame graph. Then, from the Collect view, capture the
// service's heap through a second host never connected before: the host-key consent comes up
// there, the capture goes through an SSH port forward (sshd logs the channel), and the heap
// profile opens. Screenshots land in tests/.tmp/screenshots-ssh/.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Artifact, TopTable } from '../../src-main/api/types';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { REPO, repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { buildSshTarget, ensureTestUser, makeKeyPair, sshdUnavailable, startSshd, startSshTargetService, type Sshd } from '../helpers/sshd';

const skip = !HAVE_CHROMIUM ? `${CHROMIUM} is absent` : sshdUnavailable();
const SHOTS = repoPath('tests/.tmp/screenshots-ssh');
const STEP_MS = 15_000;

describe.skipIf(skip !== null)('SSH in the app (Chromium via gpw serve)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sshd: Sshd;
  /** A second host (same machine, its own host key), first used from the Collect view. */
  let edge: Sshd;
  let agent: ChildProcess;
  let service: ChildProcess;
  let serviceUrl: URL;
  let server: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  /** Adds a host in the SSH view (the test user on 127.0.0.1 at `port`) and waits until it is listed. */
  async function addHost(name: string, port: number, before: number): Promise<void> {
    await page.getByTestId('ssh-button').click();
    // The list loads after the view opens: wait for the hosts already there.
    await expect.poll(() => page.getByTestId('ssh-host').count()).toBe(before);
    await page.getByTestId('ssh-add').click();
    await page.getByTestId('ssh-add-name').fill(name);
    await page.getByTestId('ssh-add-hostname').fill('127.0.0.1');
    await page.getByTestId('ssh-add-user').fill('gpwssh');
    await page.getByTestId('ssh-add-port').fill(String(port));
    await page.getByTestId('ssh-add-save').click();
    await expect.poll(() => page.getByTestId('ssh-host').count()).toBe(before + 1);
    expect(await page.getByTestId('ssh-host').allTextContents()).toContainEqual(expect.stringContaining(name));
  }

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
    [sshd, edge] = await Promise.all([startSshd({ user, authorizedKeys: [key.publicLine] }), startSshd({ user, authorizedKeys: [key.publicLine] })]);
    const go = buildSshTarget(REPO);
    // The Go service's pprof endpoint listens on the loopback only.
    ({ child: service, url: serviceUrl } = await startSshTargetService(go.bin));
    process.env.HOME = home;
    process.env.SSH_AUTH_SOCK = sock;
    const profile = tempDir('gpw-ssh-e2e-chromium-');
    const cleanupProfile = profile.cleanup;
    const oldCleanup = tmp.cleanup;
    tmp.cleanup = () => (oldCleanup(), cleanupProfile());
    [server, context] = await Promise.all([startServe(join(tmp.dir, 'lib.sqlite')), launchChromium(profile.dir)]);
    page = await openServedPage(context, server.url, errors, STEP_MS);
  }, 180_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop();
    service?.kill('SIGKILL');
    agent?.kill('SIGTERM');
    await Promise.all([sshd?.stop(), edge?.stop()]);
    process.env.HOME = saved.HOME;
    if (saved.SSH_AUTH_SOCK === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
    tmp?.cleanup();
  });

  it('adds a host, accepts its key, lists processes, records perf on the Go service and shows the flame graph', async () => {
    await addHost('testbox', sshd.port, 0);
    expect(await page.getByTestId('ssh-host').allTextContents()).toEqual([expect.stringContaining('testbox')]);

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
    // Sortable headers: PID largest first, then (a second click) smallest first.
    const pids = async (): Promise<number[]> => (await page.getByTestId('ssh-process').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-pid')))));
    await page.getByTestId('ssh-sort-pid').click();
    const down = await pids();
    expect(down.length).toBeGreaterThan(0);
    expect(down).toEqual([...down].sort((x, y) => y - x));
    await page.getByTestId('ssh-sort-pid').click();
    expect(await pids()).toEqual([...down].reverse());
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

  it('captures the heap through a host chosen in the Collect view, after accepting its host key there, and opens it', async () => {
    // A second host, added but never connected.
    await addHost('edgebox', edge.port, 1);

    // The target is the service's loopback URL, as seen from the host.
    await page.getByTestId('collect-button').click();
    await page.getByTestId('target-form').waitFor();
    await page.getByTestId('target-url').fill(serviceUrl.origin);
    await page.getByTestId('target-name').fill('edge-svc');
    await page.getByTestId('target-save').click();
    await expect.poll(() => page.getByRole('heading', { name: 'edge-svc' }).isVisible()).toBe(true);
    for (const k of ['cpu', 'goroutine', 'cmdline', 'metrics']) await page.getByTestId(`kind-${k}`).setChecked(false);
    await page.getByTestId('kind-heap').setChecked(true);

    // Both hosts are offered; edgebox is not connected, so Capture waits for its connection.
    const via = page.getByTestId('capture-via');
    const offered = await via.locator('option').allTextContents();
    expect(offered[0]).toBe('this machine (direct)');
    expect(offered.slice(1).sort()).toEqual(['SSH edgebox (not connected)', 'SSH testbox']);
    await via.selectOption('edgebox');
    await page.getByTestId('capture-via-connect').waitFor();
    expect(await page.getByTestId('capture-start').isDisabled()).toBe(true);
    await page.getByTestId('ssh-connect').click();
    await page.getByTestId('ssh-hostkey').waitFor();
    expect(await page.getByTestId('ssh-fingerprint').textContent()).toBe(edge.hostKey.fingerprint);
    expect(await page.getByTestId('capture-start').isDisabled()).toBe(true);
    await shot('5-collect-via-host-key');
    await page.getByTestId('ssh-accept-key').click();
    await page.getByTestId('capture-via-connect').waitFor({ state: 'detached' });
    expect(await via.locator('option:checked').textContent()).toBe('SSH edgebox');

    const channels = (): number => (edge.log().match(/ctype direct-tcpip/g) ?? []).length;
    const before = channels();
    await page.getByTestId('capture-run').fill('via edgebox');
    await page.getByTestId('capture-start').click();
    const job = page.locator('[data-testid=capture-job]').filter({ hasText: 'via edgebox' });
    await expect.poll(() => job.getAttribute('data-phase'), { timeout: 30_000 }).toBe('done');
    expect(await job.getByTestId('capture-job-via').textContent()).toBe('through edgebox');
    // The history says which host the run went through.
    await expect.poll(() => page.locator('[data-testid=capture-history] tr', { hasText: 'via edgebox' }).getByTestId('history-via').textContent()).toBe('through edgebox');
    // The request went through edgebox's sshd: a direct-tcpip channel per fetch.
    await expect.poll(channels, { timeout: 15_000 }).toBeGreaterThan(before); // sshd writes its log when it gets to it
    await shot('6-collect-via-captured');

    // A schedule through the same host: its first capture comes at once, through edgebox.
    await page.getByTestId('schedule-add').click();
    await expect.poll(() => page.getByTestId('schedules').textContent()).toContain('through edgebox');
    const scheduled = page.locator('[data-testid=capture-history] tr', { has: page.getByTestId('history-scheduled') }).first();
    await expect.poll(() => scheduled.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await scheduled.getByTestId('history-via').textContent()).toBe('through edgebox');
    await shot('6b-collect-via-scheduled');
    await page.getByTestId('schedules').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('schedules').count()).toBe(0);

    await job.getByTestId('open-heap').click();
    await page.locator('[data-testid=top-table] tbody tr').first().waitFor();
    const listed = await gpwJson<{ artifacts: Artifact[] }>(join(tmp.dir, 'lib.sqlite'), 'list');
    const artifacts = listed.artifacts.filter((a) => a.run === 'via edgebox');
    expect(artifacts.map((a) => a.subtype)).toEqual(['heap']);
    expect(artifacts[0].labels.via).toBe('edgebox');
    const table = await gpwJson<TopTable>(join(tmp.dir, 'lib.sqlite'), 'top', artifacts[0].id);
    const names = (await tableCells(page, 'top-table')).map((td) => td[5].replace(/\s*\((?:partial-)?inline\)$/, ''));
    // The view may list more rows than the CLI's default 20: the first ones are the same.
    expect(names.slice(0, table.rows.length)).toEqual(table.rows.map((r) => r.name));
    expect(names).toContain('main.allocLoop');
    await page.locator('[data-testid=flame-canvas]').waitFor();
    await shot('7-collect-via-heap');
    expect(errors).toEqual([]);
  }, 90_000);
});

it.runIf(skip !== null)('SSH e2e skipped', () => {
  console.warn(`SSH e2e skipped: ${skip}`);
});
