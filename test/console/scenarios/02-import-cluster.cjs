// Import a cluster from a pasted kubeconfig: a bad name shows the server's
// error on the name field; then the cluster reaches Ready and says that
// the pass-through acts as each user.
'use strict';
const fs = require('node:fs');
const { config, newPage, login, checkA11y, screenshot, settle, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  await login(page, config.admin(), '/clusters');
  await page.getByRole('heading', { name: 'Clusters' }).waitFor();
  await page.getByRole('button', { name: 'Import cluster' }).click();
  const dialog = page.getByRole('dialog');
  // The submit button by its type: after a refused import antd may keep its
  // collapsed loading icon (aria-label "loading") in the button's name.
  const submit = dialog.locator('button[type=submit]');
  await dialog.getByLabel('Name', { exact: true }).fill('Not_A_Name');
  await dialog.getByLabel('Kubeconfig').fill(fs.readFileSync(process.env.WH_IMPORT_KUBECONFIG, 'utf8'));
  await settle(page);
  await checkA11y(page, 'import dialog');
  await screenshot(page, 'cluster-import-light');
  await submit.click();
  // The server's 422 names body.name: its message shows under the field.
  await dialog.locator('#name_help, .ant-form-item-has-error').first().waitFor();
  await dialog.getByLabel('Name', { exact: true }).fill('imported');
  // The field's message goes once the new name passes its rule: click when
  // the form stands still.
  await dialog.locator('.ant-form-item-has-error').first().waitFor({ state: 'detached' });
  await submit.click();
  await page.waitForURL('**/clusters/imported');
  await page.getByText('Ready', { exact: true }).first().waitFor({ timeout: 60000 });
  // The sandbox's admin credentials may impersonate: kubectl through
  // Wheelhouse acts as each user.
  await page.getByTestId('cluster-access').getByText('As each user (impersonation)').waitFor({ timeout: 30000 });
  await settle(page);
  await screenshot(page, 'cluster-detail-light');
  await finish(page);
};
