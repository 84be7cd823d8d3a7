// Create a ConfigMap, edit it, compare the versions and roll back.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, confirm, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const ns = config.namespace();
  await login(page, config.admin(), `/clusters/${c}/ns/${ns}/configmaps/-/new`);
  await page.getByLabel('Name', { exact: true }).fill('settings');
  await page.getByLabel('Key', { exact: true }).fill('greeting');
  await page.getByLabel('Value', { exact: true }).fill('hello');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/ns/${ns}/configmaps/settings`);
  await page.getByTestId('value-greeting').getByText('hello').waitFor();

  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Value', { exact: true }).fill('bonjour');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('value-greeting').getByText('bonjour').waitFor();

  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('cell', { name: 'v2', exact: true }).waitFor();
  // The two versions compared, key by key and side by side.
  await page.getByRole('cell', { name: 'changed', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'bonjour', exact: true }).waitFor();
  await settle(page);
  await checkA11y(page, 'config history');
  await screenshot(page, 'configmap-history-light');

  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  await confirm(page);
  await page.getByText('Rolled back').waitFor();
  await page.getByRole('cell', { name: 'v3', exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Data' }).click();
  await page.getByTestId('value-greeting').getByText('hello').waitFor({ timeout: 15000 });
  await finish(page);
};
