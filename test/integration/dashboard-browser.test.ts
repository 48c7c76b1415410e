import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, createDataset, datasetsDir, newProject, type Project } from './client.ts';

/** Debian's Chromium (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifactsDir = resolve(import.meta.dirname, '../../test-artifacts/dashboard');
// Japanese, as users name their analyses: the page must carry it through the API and back.
const operationName = '受領確認の分析 receipt';

if (!existsSync(chromiumPath)) console.warn(`dashboard browser test skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!existsSync(chromiumPath))('the dashboard in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let project: Project;
  let operationId: string;
  const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(artifactsDir, { recursive: true });
    project = await newProject('browser-user');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs in with a pasted token', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.locator('textarea[name=token]').fill(project.token);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await expect(page.getByRole('heading', { name: 'Operations' }).waitFor()).resolves.toBeUndefined();
    await shot('01-signed-in');
  });

  it('uploads receipt.csv, starts an analysis and watches its progress reach 100 % without a reload', async () => {
    await page.getByRole('link', { name: 'New analysis' }).click();
    await page.locator('input[type=file]').setInputFiles(join(datasetsDir, 'receipt.csv'));
    await page.locator('input[name=operationName]').fill(operationName);
    // A mark on the window: it survives only if the page never reloads.
    await page.evaluate(() => ((globalThis as unknown as { pmjMark: number }).pmjMark = 1));
    await page.getByRole('button', { name: 'Upload and analyse' }).click();
    await page.waitForURL(/#\/op\/op-/, { timeout: 30_000 });
    operationId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);

    const overall = page.getByRole('progressbar', { name: 'Overall' });
    const seen: number[] = [];
    const deadline = Date.now() + 90_000;
    for (;;) {
      const value = Number(await overall.getAttribute('aria-valuenow', { timeout: 5_000 }).catch(() => NaN));
      if (Number.isFinite(value) && value !== seen.at(-1)) seen.push(value);
      if (value === 100) break;
      if (Date.now() > deadline) throw new Error(`progress stuck; seen ${seen.join(', ')}`);
      if (seen.length === 2) await shot('02-running');
      await page.waitForTimeout(100);
    }
    console.log(`overall progress values observed: ${seen.join(', ')}`);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(100);
    expect(await page.evaluate(() => (globalThis as unknown as { pmjMark?: number }).pmjMark)).toBe(1);
    // Every phase's bar ends full.
    const phases = page.locator('[data-testid=phase-progress] [role=progressbar]');
    await expect
      .poll(async () => (await phases.evaluateAll((bars) => bars.map((b) => b.getAttribute('aria-valuenow')))).every((v) => v === '100'), { timeout: 15_000 })
      .toBe(true);
    expect(await phases.count()).toBeGreaterThan(2);
    await expect(page.locator('h2').first().textContent()).resolves.toContain(operationName);
  });

  it('shows the process map, the results and the PDF report', async () => {
    const map = page.locator('[data-testid=process-map] svg');
    await map.waitFor({ timeout: 30_000 });
    expect(await map.locator('g.node').count()).toBeGreaterThan(3);
    await expect(page.locator('[data-testid=recommendations] li').count()).resolves.toBeGreaterThan(0);
    await page.locator('[data-testid=anomalies] tbody tr').first().waitFor();
    await expect(page.locator('[data-testid=timeline] li').count()).resolves.toBeGreaterThan(2);
    await expect(page.locator('[data-testid=logs] .log').count()).resolves.toBeGreaterThan(2);
    await page.locator('.chart .uplot').first().waitFor();
    await shot('03-results');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-format=PDF]').click()]);
    const file = join(artifactsDir, download.suggestedFilename());
    await download.saveAs(file);
    expect(file).toMatch(/\.pdf$/);
    expect((await readFile(file)).subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('lists the operation, Completed, with its Japanese name', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    const row = page.locator(`[data-testid=operations] tr[data-operation-id="${operationId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Completed');
    await expect(row.getByRole('link').textContent()).resolves.toBe(operationName);
    await shot('04-operations');
    // The filters go to the API: no Failed operation in this project.
    await page.getByLabel('status').selectOption('Failed');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('status').selectOption('Completed');
    await row.waitFor();
  });

  it('draws a batch as its dependency graph, each node in its state until all have completed', async () => {
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: {
        batchName: 'ダッシュボードのバッチ',
        operations: [
          {
            operationKey: 'report',
            operationName: 'report',
            operationType: 'ReportGeneration',
            dependencies: ['analyze'],
            parameters: { exportFormats: ['PDF'] },
          },
          { operationKey: 'analyze', operationName: 'analysis', operationType: 'ProcessMiningAnalysis', parameters: { datasetId } },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    await page.getByLabel('Batch id').fill(submitted.body.batchId);
    await page.getByRole('button', { name: 'Open batch' }).click();
    const graph = page.locator('[data-testid=batch-graph]');
    await graph.waitFor();
    await expect(graph.locator('line').count()).resolves.toBe(1);
    // The report waits for the analysis, so it is drawn in a later column.
    const x = async (key: string) => Number(await graph.locator('g.node', { hasText: key }).locator('rect').getAttribute('x'));
    expect(await x('report')).toBeGreaterThan(await x('analyze'));
    await expect.poll(() => graph.locator('g.node[data-status=Completed]').count(), { timeout: 90_000, interval: 500 }).toBe(2);
    await expect(page.locator('h2').first().textContent()).resolves.toContain('ダッシュボードのバッチ');
    await shot('05-batch');
  });
});
