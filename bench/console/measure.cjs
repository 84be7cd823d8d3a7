// The console benchmark's browser part (run by bench/console/run.sh): prints
// a Markdown section with the figures.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');

const url = process.env.WH_URL;
const password = process.env.WH_ADMIN_PASSWORD;
const cluster = process.env.WH_CLUSTER;
const pods = Number(process.env.WH_PODS);
const dist = path.join(__dirname, '..', '..', 'web', 'dist');

/** The JavaScript index.html loads before anything runs: its entry and the chunks it preloads. */
function initialJs() {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const b = fs.readFileSync(path.join(dist, f));
    raw += b.length;
    gz += zlib.gzipSync(b, { level: 9 }).length;
  }
  return { files, raw, gz };
}

async function newPage(browser) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
  return ctx.newPage();
}

async function login(page) {
  await page.goto(`${url}/login`);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** firstLoad: navigation start to the login form ready for typing, median of runs, cold cache each time. */
async function firstLoad(browser, runs = 7) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await newPage(browser);
    await page.goto(`${url}/login`);
    await page.getByLabel('User name').waitFor();
    const ms = await page.evaluate(() => performance.now());
    times.push(ms);
    await page.context().close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
}

/** podsPage: first rows of the all-namespaces pods list, then a fast scroll to the end. */
async function podsPage(browser) {
  const page = await newPage(browser);
  await login(page);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
  });
  const t0 = Date.now();
  await page.goto(`${url}/clusters/${cluster}/ns/_all/pods`);
  await page.locator('[role="row"][aria-rowindex="2"]').waitFor({ timeout: 60000 });
  const firstRowsNav = await page.evaluate(() => performance.now());
  const firstRowsWall = Date.now() - t0;
  // In-app navigation (the page is loaded, the list is not): from the
  // clusters page to the pods page.
  await page.goto(`${url}/clusters`);
  await page.getByRole('heading', { name: 'Clusters' }).waitFor();
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const inApp = await page.evaluate(async (c) => {
    const start = performance.now();
    history.pushState({}, '', `/clusters/${c}/ns/_all/pods`);
    dispatchEvent(new PopStateEvent('popstate'));
    for (;;) {
      if (document.querySelector('[role="row"][aria-rowindex="2"]')) return performance.now() - start;
      await new Promise((r) => requestAnimationFrame(r));
    }
  }, cluster);
  const domRowsAtStart = await page.locator('[role="row"]').count();
  // Fast scroll: jump a screen further every frame until every pod is loaded and shown.
  const scroll = await page.evaluate(async (want) => {
    const el = document.querySelector('[role="table"]');
    const start = performance.now();
    let maxRows = 0;
    for (;;) {
      el.scrollTop += el.clientHeight * 2;
      await new Promise((r) => requestAnimationFrame(r));
      maxRows = Math.max(maxRows, document.querySelectorAll('[role="row"]').length);
      const count = Number(el.getAttribute('aria-rowcount')) - 1;
      if (count >= want && el.scrollTop + el.clientHeight >= el.scrollHeight - 2) break;
      if (performance.now() - start > 180000) throw new Error(`gave up with ${count} rows`);
    }
    return { ms: performance.now() - start, maxRows };
  }, pods);
  await page.waitForTimeout(500);
  const longTasks = await page.evaluate(() => window.__longTasks);
  const lastRow = await page.locator('[role="row"]').last().innerText();
  await page.context().close();
  return { firstRowsNav, firstRowsWall, inApp, domRowsAtStart, scroll, longTasks, lastRow };
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.WH_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--ignore-certificate-errors'],
  });
  const js = initialJs();
  const load = await firstLoad(browser);
  const p = await podsPage(browser);
  await browser.close();
  const over50 = p.longTasks.filter((d) => d > 50);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`## Console (${new Date().toISOString().slice(0, 10)}, ${pods} pods)

| measure | result | target |
| --- | --- | --- |
| initial JavaScript (${js.files.length} file(s)), gzip -9 | ${kb(js.gz)} (${kb(js.raw)} raw) | ≤ 300 KB |
| first load to interactive (login form ready), median of 7 cold loads | ${load.median.toFixed(0)} ms (max ${load.max.toFixed(0)} ms) | < 1 s |
| pods page, full page load to first rows | ${p.firstRowsNav.toFixed(0)} ms | < 500 ms |
| pods page, in-app navigation to first rows | ${p.inApp.toFixed(0)} ms | < 500 ms |
| rows in the DOM at the start / at most while scrolling | ${p.domRowsAtStart} / ${p.scroll.maxRows} | never ${pods} |
| fast scroll to the end (every page fetched) | ${(p.scroll.ms / 1000).toFixed(1)} s | |
| long tasks during the scroll: count over 50 ms / longest | ${over50.length} / ${p.longTasks.length ? Math.max(...p.longTasks).toFixed(0) : 0} ms | none over 50 ms |
`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
