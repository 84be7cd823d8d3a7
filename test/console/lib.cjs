// Shared helpers of the console's browser tests: the browser, signing in,
// axe-core checks and screenshots. The Go test (console_test.go) starts the
// server and passes everything through the environment.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these scripts through go test ./test/console`);
  return v;
};

const config = {
  url: () => env('WH_URL'),
  admin: () => ({ username: 'admin', password: env('WH_ADMIN_PASSWORD') }),
  viewer: () => ({ username: 'viewer', password: env('WH_VIEWER_PASSWORD') }),
  cluster: () => env('WH_CLUSTER'),
  namespace: () => env('WH_NAMESPACE'),
  screenshots: () => env('WH_SCREENSHOTS'),
};

async function launch() {
  return chromium.launch({
    executablePath: process.env.WH_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--ignore-certificate-errors'],
  });
}

/** newPage opens a page that fails the scenario on console errors it does not expect and on CSP violations. */
async function newPage(browser, opts = {}) {
  // reducedMotion: the console then turns antd's transitions off, so no button
  // moves under a click while a form's message slides in or out.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light', locale: opts.locale || 'en-US', reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/.test(text)) page.problems.push(`CSP: ${text}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  // Requests in flight, for settle(); streams (logs, watches) never end
  // and are left out.
  page.inflight = new Set();
  page.on('request', (r) => {
    if (!/text\/event-stream/.test(r.headers().accept || '')) page.inflight.add(r);
  });
  // The last responses and what the page logged, shown when the scenario
  // fails (run.cjs).
  const t0 = Date.now();
  page.trail = [];
  const note = (line) => {
    page.trail.push(`+${((Date.now() - t0) / 1000).toFixed(2)}s ${line}`);
    if (page.trail.length > 40) page.trail.shift();
  };
  page.on('response', (r) => note(`${r.status()} ${r.request().method()} ${r.url().replace(config.url(), '')}`));
  page.on('console', (m) => note(`console.${m.type()}: ${m.text().slice(0, 200)}`));
  const done = (r) => page.inflight.delete(r);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return page;
}

/** login signs in on the login page (opening next first when given, which sends there). */
async function login(page, who, next) {
  if (next !== undefined) await page.goto(config.url() + next);
  await page.waitForURL(/\/login/);
  await page.getByLabel(/User name|用户名/).fill(who.username);
  await page.getByLabel(/^Password|^密码/).fill(who.password);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** checkA11y runs axe-core (WCAG 2 A and AA) on the page and throws on any violation. */
async function checkA11y(page, label) {
  await page.evaluate(axeSource);
  // Monaco paints code in its own syntax colours over diff highlights; its
  // text reaches assistive technology through its labelled text area, so
  // its painted lines are left out of the contrast rule (and only of it).
  const result = await page.evaluate(async () => {
    const tags = { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] };
    const all = await axe.run(document, { runOnly: tags, rules: { 'color-contrast': { enabled: false } } });
    const contrast = await axe.run({ include: [document], exclude: [['.monaco-editor .view-lines']] }, { runOnly: ['color-contrast'] });
    return { violations: [...all.violations, ...contrast.violations] };
  });
  if (result.violations.length) {
    const lines = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    ')}`);
    throw new Error(`axe: ${label}: ${result.violations.length} violations\n  ${lines.join('\n  ')}`);
  }
}

async function screenshot(page, name) {
  const dir = config.screenshots();
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/**
 * settle waits until no request (but streams) has been in flight for 400 ms
 * and no spinner shows: after in-app navigation the load state says
 * nothing, and a lazily loaded page keeps the previous one on screen until
 * its chunk arrives.
 */
async function settle(page) {
  const deadline = Date.now() + 20000;
  let quietSince = Date.now();
  await page.waitForTimeout(100);
  while (Date.now() < deadline) {
    if (page.inflight.size > 0) quietSince = Date.now();
    if (Date.now() - quietSince >= 400) break;
    await page.waitForTimeout(50);
  }
  await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning'), null, { timeout: 15000 }).catch(() => {});
}

/**
 * confirm presses OK in the open confirmation popover. A click that lands
 * while antd still animates the popover in is ignored (no request goes
 * out), so it presses again until the popover closes; a second press of an
 * OK already at work is ignored by antd (its button is loading).
 */
async function confirm(page) {
  const ok = page.locator('.ant-popconfirm').getByRole('button', { name: /^(OK|确定|确 定)$/ });
  for (let attempt = 0; ; attempt++) {
    await ok.click();
    try {
      await ok.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/** finish fails on CSP violations or uncaught errors the page met, then closes its context. */
async function finish(page) {
  const problems = page.problems;
  await page.context().close();
  if (problems.length) throw new Error(problems.join('\n'));
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

module.exports = { config, launch, newPage, login, checkA11y, screenshot, settle, confirm, finish, assert };
