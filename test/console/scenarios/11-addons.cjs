// Add-ons: open the catalog and the Jenkins chart (its README rendered),
// set values in the form generated from the chart's schema, see them in the
// YAML tab and back in the form, install into the sandbox cluster's
// namespace and follow the operation to Succeeded; find the release in
// Releases, plan an upgrade to a NodePort Service and see the diff first,
// apply it, roll back to revision 1, check drift, uninstall (typing the
// name). Every page is checked by axe and shot in the light and dark
// themes, and in Chinese.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, confirm, finish, assert } = require('../lib.cjs');

const release = 'ci-jenkins';

/** choose opens the Select labelled label in scope and picks the option titled title. */
const choose = async (scope, label, title) => {
  await scope.locator('.ant-select', { has: scope.page().getByLabel(label, { exact: true }) }).click();
  await scope.page().locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
};

/**
 * waitOperation waits until the followed operation of action (its label:
 * Install, Upgrade, Roll back) has succeeded, and fails on Failed. The
 * action is named so that the last operation's end, still shown while the
 * next one starts, is not taken for the next one's.
 */
const waitOperation = async (page, action, timeout = 240000) => {
  const panel = page.getByTestId('operation').filter({ has: page.getByText(action, { exact: true }) });
  const state = panel.getByTestId('operation-state');
  await state.getByText(/^(Succeeded|Failed|成功|失败)$/).waitFor({ timeout });
  const text = await state.innerText();
  if (!/Succeeded|成功/.test(text)) {
    const why = await panel.innerText();
    throw new Error(`the operation failed: ${why}`);
  }
};

const shoot = async (page, name, label) => {
  await settle(page);
  // A click far down the navigation scrolls the window; antd fades a
  // table's loading veil out after its spinner is gone.
  if (!(await page.getByRole('dialog').count())) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(350);
  await checkA11y(page, label || name);
  await screenshot(page, name);
};

exports.run = async (browser) => {
  const c = config.cluster();
  const ns = config.namespace();
  const page = await newPage(browser);
  await login(page, config.admin(), '/addons');
  await page.getByRole('heading', { name: 'Add-on catalog' }).waitFor();
  await page.getByTestId('chart-jenkins').waitFor();
  await page.getByTestId('chart-metrics-server').waitFor();
  await shoot(page, 'addons-catalog-light', 'catalog');

  // The filter is the server's: by name, description or keyword.
  await page.getByLabel('Filter by name').fill('ci');
  await page.getByLabel('Filter by name').press('Enter');
  await page.getByTestId('chart-metrics-server').waitFor({ state: 'detached' });
  await page.getByTestId('chart-jenkins').getByText('Built-in').waitFor();
  await page.getByRole('link', { name: 'jenkins', exact: true }).click();

  // The README, rendered.
  await page.getByRole('heading', { name: 'jenkins', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Jenkins', level: 2 }).waitFor();
  await page.getByRole('cell', { name: 'persistence.enabled, .size, .storageClass, .existingClaim' }).waitFor();
  await shoot(page, 'addons-chart-light', 'chart detail');

  // Install: values in the form, seen in YAML, back in the form.
  await page.getByRole('button', { name: 'Install' }).click();
  const dialog = page.getByRole('dialog');
  await choose(dialog, 'Namespace', ns);
  await dialog.getByLabel('Release name').fill(release);
  const persistence = dialog.getByRole('group', { name: 'Persistence (JENKINS_HOME)' });
  await persistence.getByLabel('Enabled', { exact: true }).click();
  assert((await persistence.getByLabel('Enabled', { exact: true }).getAttribute('aria-checked')) === 'false', 'persistence.enabled is not off');
  await dialog.getByRole('group', { name: 'Administrator' }).getByLabel('User name').fill('ops');
  await shoot(page, 'addons-install-form-light', 'install form');
  await dialog.getByRole('tab', { name: 'YAML' }).click();
  const lines = dialog.locator('.monaco-editor .view-lines');
  await lines.getByText('username: ops').waitFor();
  // The chart's comments are kept.
  await lines.getByText('# The Jenkins administrator, created by configuration as code.').waitFor();
  await shoot(page, 'addons-install-yaml-light', 'install YAML');
  await dialog.getByRole('tab', { name: 'Form' }).click();
  assert((await dialog.getByRole('group', { name: 'Administrator' }).getByLabel('User name').inputValue()) === 'ops', 'admin.username did not survive form → YAML → form');
  assert((await persistence.getByLabel('Enabled', { exact: true }).getAttribute('aria-checked')) === 'false', 'persistence.enabled did not survive form → YAML → form');

  await dialog.locator('button[type=submit]').click();
  await dialog.getByTestId('operation').waitFor();
  await screenshot(page, 'addons-install-progress-light');
  await waitOperation(page, 'Install');
  await settle(page);
  await screenshot(page, 'addons-install-done-light');
  await dialog.getByRole('link', { name: 'Open the release' }).click();
  await page.waitForURL(`**/clusters/${c}/ns/${ns}/releases/${release}`);

  // In Releases.
  await page.getByRole('navigation').getByText('Releases', { exact: true }).click();
  await page.waitForURL(`**/clusters/${c}/releases`);
  const row = page.getByRole('row').filter({ hasText: release });
  await row.getByText('deployed').waitFor();
  await shoot(page, 'addons-releases-light', 'releases');
  await row.getByRole('link', { name: release }).click();
  await page.getByRole('heading', { name: release }).waitFor();
  await page.getByTestId('release-status').getByText('deployed').waitFor();
  await page.getByRole('tab', { name: /^Objects/ }).waitFor();
  await shoot(page, 'addons-release-light', 'release');

  // Upgrade: the plan's diff first, then apply.
  await page.getByRole('button', { name: 'Upgrade' }).click();
  const up = page.getByRole('dialog');
  const service = up.getByRole('group', { name: 'Service' });
  await service.getByLabel('Type', { exact: true }).waitFor();
  await choose(service, 'Type', 'NodePort');
  // The values the install set are kept.
  assert((await up.getByRole('group', { name: 'Persistence (JENKINS_HOME)' }).getByLabel('Enabled', { exact: true }).getAttribute('aria-checked')) === 'false', 'the upgrade form lost persistence.enabled=false');
  await up.getByRole('button', { name: 'Review changes' }).click();
  await up.getByText(/^Revision 1 .* becomes revision 2/).waitFor({ timeout: 60000 });
  await up.locator('pre').getByText(/^\+\s+type: NodePort$/).first().waitFor();
  await up.locator('pre').getByText(/^-\s+type: ClusterIP$/).first().waitFor();
  await shoot(page, 'addons-upgrade-diff-light', 'upgrade diff');
  await up.getByRole('button', { name: 'Apply upgrade' }).click();
  await up.waitFor({ state: 'hidden' });
  await waitOperation(page, 'Upgrade');
  await page.getByTestId('release-revision').getByText('2', { exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Values' }).click();
  await page.locator('.monaco-editor .view-lines').getByText('type: NodePort').waitFor();
  await shoot(page, 'addons-release-upgraded-light', 'release after upgrade');

  // Roll back to revision 1.
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('row').filter({ has: page.getByRole('cell', { name: '1', exact: true }) }).getByRole('button', { name: 'Roll back' }).click();
  await confirm(page);
  await waitOperation(page, 'Roll back');
  await page.getByTestId('release-revision').getByText('3', { exact: true }).waitFor();
  await page.getByRole('row').filter({ has: page.getByRole('cell', { name: '3', exact: true }) }).getByText('Rollback to 1').waitFor();
  await shoot(page, 'addons-release-history-light', 'release history');

  // Drift: none.
  await page.getByRole('button', { name: 'Check drift' }).click();
  await page.getByTestId('no-drift').waitFor({ timeout: 60000 });
  await shoot(page, 'addons-drift-light', 'drift');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();

  // The dark theme, and Chinese.
  for (const [suffix, opts] of [['dark', { dark: true }], ['zh-light', { zh: true }]]) {
    const p = await newPage(browser, { dark: !!opts.dark });
    await login(p, config.admin(), '/addons');
    if (opts.zh) {
      await p.locator('div.ant-select[aria-label="Language"]').click();
      await p.getByTitle('简体中文').click();
      await p.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    }
    for (const [name, path] of [
      ['catalog', '/addons'],
      ['chart', '/addons/charts/jenkins'],
      ['releases', `/clusters/${c}/releases`],
      ['release', `/clusters/${c}/ns/${ns}/releases/${release}`],
    ]) {
      await p.evaluate((to) => {
        history.pushState({}, '', to);
        dispatchEvent(new PopStateEvent('popstate'));
      }, path);
      await shoot(p, `addons-${name}-${suffix}`, `${name} (${suffix})`);
    }
    await p.getByRole('tab', { name: opts.zh ? '历史' : 'History' }).click();
    await shoot(p, `addons-release-history-${suffix}`, `history (${suffix})`);
    await p.getByRole('button', { name: opts.zh ? /^升\s?级$/ : 'Upgrade' }).click();
    await p.getByRole('dialog').getByRole('group').first().waitFor();
    await shoot(p, `addons-upgrade-form-${suffix}`, `upgrade form (${suffix})`);
    await p.getByRole('dialog').getByRole('button', { name: opts.zh ? '查看变更' : 'Review changes' }).click();
    await p.getByRole('dialog').locator('.ant-collapse').first().waitFor({ timeout: 60000 }).catch(() => {});
    await shoot(p, `addons-upgrade-plan-${suffix}`, `upgrade plan (${suffix})`);
    await p.evaluate((to) => {
      history.pushState({}, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, '/addons/charts/jenkins');
    await p.getByRole('button', { name: opts.zh ? /^安\s?装$/ : 'Install' }).click();
    await p.getByRole('dialog').getByRole('group').first().waitFor();
    await shoot(p, `addons-install-form-${suffix}`, `install form (${suffix})`);
    await finish(p);
  }

  // Uninstall, confirmed by typing the name.
  await page.getByRole('button', { name: 'Uninstall' }).click();
  const un = page.getByRole('dialog');
  const go = un.getByRole('button', { name: 'Uninstall' });
  assert(await go.isDisabled(), 'uninstall is offered before the name is typed');
  await un.getByLabel(`Type ${release} to confirm`).fill(release);
  await shoot(page, 'addons-uninstall-light', 'uninstall');
  await go.click();
  await page.waitForURL(`**/clusters/${c}/releases`, { timeout: 120000 });
  await page.getByText('No releases').waitFor({ timeout: 30000 });
  await shoot(page, 'addons-releases-empty-light', 'releases after uninstall');
  await finish(page);
};
