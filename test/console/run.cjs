// Runs the console's browser scenarios one after another (each in its own
// browser context) and exits non-zero if any failed. With arguments, runs
// only the scenarios named.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { launch } = require('./lib.cjs');

/**
 * leftBehind shows what the pages a failed scenario left open were doing
 * (their last responses, a screenshot each in WH_SCREENSHOTS as
 * failed-<scenario>-<n>.png) and closes them, so that the next scenario
 * does not share the server with their streams.
 */
async function leftBehind(scenario) {
  let n = 0;
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      n++;
      console.log(`  page ${n} at ${page.url()}; last responses:\n    ${(page.trail || []).join('\n    ')}`);
      const file = path.join(process.env.WH_SCREENSHOTS, `failed-${scenario.replace(/\.cjs$/, '')}-${n}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch((e) => console.log(`  no screenshot: ${e.message}`));
    }
    await context.close().catch(() => {});
  }
}

let browser;

async function main() {
  const dir = path.join(__dirname, 'scenarios');
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.cjs')).sort();
  const wanted = process.argv.slice(2);
  const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.includes(w))) : all;
  if (chosen.length === 0) throw new Error(`no scenario matches ${wanted.join(', ')}`);
  browser = await launch();
  let failed = 0;
  let passed = 0;
  for (const f of chosen) {
    const scenario = require(path.join(dir, f));
    const start = Date.now();
    try {
      await scenario.run(browser);
      passed++;
      console.log(`PASS ${f} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${f} (${((Date.now() - start) / 1000).toFixed(1)}s): ${e.stack || e}`);
      await leftBehind(f);
    }
  }
  await browser.close();
  console.log(`scenarios: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
