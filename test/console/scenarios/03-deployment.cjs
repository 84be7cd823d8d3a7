// Create a Deployment by form, scale it in the console, see a kubectl-made
// change arrive without reloading, and follow one of its pods' logs.
'use strict';
const { execFileSync } = require('node:child_process');
const { config, newPage, login, checkA11y, screenshot, settle, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const ns = config.namespace();
  await login(page, config.admin(), `/clusters/${c}/ns/${ns}/deployments/-/new`);
  await page.getByRole('heading', { name: 'Create Deployments' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('web');
  await page.getByLabel('Image', { exact: true }).fill('nginx:1.27');
  await page.getByLabel('Replicas', { exact: true }).fill('2');
  await page.getByLabel('Container ports').fill('80');
  await checkA11y(page, 'create deployment');
  await screenshot(page, 'deployment-create-light');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/ns/${ns}/deployments/web`);
  const ready = page.getByTestId('workload-ready');
  await ready.getByText('2/2').waitFor({ timeout: 60000 });

  // Scale in the console.
  await page.getByLabel('Replicas', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Scale' }).click();
  await ready.getByText('3/3').waitFor({ timeout: 60000 });
  await settle(page);
  await checkA11y(page, 'deployment detail');
  await screenshot(page, 'deployment-detail-light');

  // A change made with kubectl arrives in the open page by itself.
  const start = Date.now();
  execFileSync(process.env.WH_KUBECTL, ['--kubeconfig', process.env.WH_KUBECONFIG, '-n', ns, 'scale', 'deployment/web', '--replicas=1']);
  await page.getByTestId('workload-replicas').getByText('desired 1 ').waitFor({ timeout: 15000 });
  console.log(`  kubectl scale seen in the browser after ${Date.now() - start} ms`);

  // Follow a pod's log.
  await page.getByRole('tab', { name: 'Pods' }).click();
  const podLink = page.getByRole('tabpanel').getByRole('link').first();
  await podLink.waitFor();
  await podLink.click();
  await page.getByRole('button', { name: 'Logs' }).click();
  await page.getByTestId('log-view').getByText('Simulated container').first().waitFor({ timeout: 30000 });
  await page.getByLabel('Search in the log').fill('Simulated');
  await page.getByText(/\d+ matching lines/).waitFor();
  await settle(page);
  await checkA11y(page, 'pod logs');
  await screenshot(page, 'pod-logs-light');
  await finish(page);
};
