// A viewer is not offered writes (once the server tells the console its
// permissions), and a write forced anyway shows the server's 403.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, finish, assert } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const ns = config.namespace();
  await login(page, config.viewer(), `/clusters/${c}/ns/${ns}/deployments`);
  await page.getByRole('heading', { name: 'Deployments' }).waitFor();
  await page.getByRole('link', { name: 'web' }).waitFor({ timeout: 30000 });
  await settle(page);
  const create = await page.getByRole('button', { name: 'Create', exact: true }).count();
  if (process.env.WH_PERMISSIONS === 'served') {
    assert(create === 0, 'a viewer is offered Create');
    await page.getByRole('link', { name: 'web' }).click();
    await page.getByTestId('workload-ready').waitFor();
    for (const name of ['Scale', 'Restart', 'Pause', 'Set image', 'Delete']) {
      assert((await page.getByRole('button', { name, exact: true }).count()) === 0, `a viewer is offered ${name}`);
    }
  } else {
    // Without the permissions endpoint the console offers everything and
    // leaves the refusal to the server.
    assert(create === 1, 'Create is not offered while the server cannot say');
  }
  await checkA11y(page, 'viewer deployments');
  await screenshot(page, 'viewer-deployments-light');

  // Forced: the YAML dry run of a Deployment is a write the server refuses.
  await page.goto(`${config.url()}/clusters/${c}/ns/${ns}/deployments/-/new`);
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByRole('button', { name: 'Dry run and show diff' }).click();
  await page.getByRole('alert').getByText(/not allowed/).waitFor({ timeout: 15000 });
  await screenshot(page, 'viewer-forbidden-light');
  await finish(page);
};
