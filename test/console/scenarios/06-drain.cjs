// Drain a node that runs pods and watch the drain's progress.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const node = process.env.WH_DRAIN_NODE;
  await login(page, config.admin(), `/clusters/${c}/nodes/${node}`);
  await page.getByRole('heading', { name: node }).waitFor();
  await page.getByRole('button', { name: 'Drain' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Drain' }).click();
  const progress = page.getByTestId('drain-progress');
  await progress.waitFor({ timeout: 15000 });
  await progress.getByText('evicted').first().waitFor({ timeout: 60000 });
  await progress.getByText(/State: Succeeded/).waitFor({ timeout: 120000 });
  await page.getByText('Cordoned').first().waitFor();
  await settle(page);
  await checkA11y(page, 'node drain');
  await screenshot(page, 'node-drain-light');
  await page.getByRole('button', { name: 'Uncordon' }).click();
  // Not exact: antd may keep the collapsed loading icon ("loading") in the
  // name of a button that was just busy.
  await page.getByRole('button', { name: /(^|\s)Cordon$/ }).waitFor();
  await finish(page);
};
