// Every page in the light and the dark theme: axe-core finds nothing, and a
// screenshot of each is kept.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, finish } = require('../lib.cjs');

function pages() {
  const c = config.cluster();
  const ns = config.namespace();
  const pod = process.env.WH_EXEC_POD;
  const node = process.env.WH_DRAIN_NODE;
  return [
    ['clusters', '/clusters'],
    ['cluster', `/clusters/${c}`],
    ['nodes', `/clusters/${c}/nodes`],
    ['node', `/clusters/${c}/nodes/${node}`],
    ['namespaces', `/clusters/${c}/namespaces`],
    ['namespace', `/clusters/${c}/namespaces/${ns}`],
    ['projects', `/clusters/${c}/projects`],
    ['project', `/clusters/${c}/projects/team`],
    ['members', `/clusters/${c}/members`],
    ['deployments', `/clusters/${c}/ns/${ns}/deployments`],
    ['deployment', `/clusters/${c}/ns/${ns}/deployments/shell`],
    ['deployment-create', `/clusters/${c}/ns/${ns}/deployments/-/new`],
    ['statefulsets', `/clusters/${c}/ns/${ns}/statefulsets`],
    ['daemonsets', `/clusters/${c}/ns/${ns}/daemonsets`],
    ['jobs', `/clusters/${c}/ns/${ns}/jobs`],
    ['cronjobs', `/clusters/${c}/ns/${ns}/cronjobs`],
    ['workloadcrs', `/clusters/${c}/ns/${ns}/workloadcrs`],
    ['pods-all', `/clusters/${c}/ns/_all/pods`],
    ['pods', `/clusters/${c}/ns/${ns}/pods`],
    ['pod', `/clusters/${c}/ns/${ns}/pods/${pod}`],
    ['pod-logs', `/clusters/${c}/ns/${ns}/pods/${pod}/logs`],
    ['pod-exec', `/clusters/${c}/ns/${ns}/pods/${pod}/exec?command=sh&tty=false`],
    ['configmaps', `/clusters/${c}/ns/${ns}/configmaps`],
    ['configmap', `/clusters/${c}/ns/${ns}/configmaps/settings`],
    ['configmap-create', `/clusters/${c}/ns/${ns}/configmaps/-/new`],
    ['secrets', `/clusters/${c}/ns/${ns}/secrets`],
    ['secret', `/clusters/${c}/ns/${ns}/secrets/credentials`],
    ['services', `/clusters/${c}/ns/${ns}/services`],
    ['ingresses', `/clusters/${c}/ns/${ns}/ingresses`],
    ['claims', `/clusters/${c}/ns/${ns}/persistentvolumeclaims`],
    ['volumes', `/clusters/${c}/persistentvolumes`],
    ['storageclasses', `/clusters/${c}/storageclasses`],
    ['events', `/clusters/${c}/ns/${ns}/events`],
    ['kinds', `/clusters/${c}/resources`],
    ['kind-list', `/clusters/${c}/resources/apps/v1/deployments?namespace=${ns}`],
    ['kind-object', `/clusters/${c}/resources/apps/v1/deployments/shell?namespace=${ns}`],
    ['apply', `/clusters/${c}/apply`],
    ['registries', '/registries'],
    ['registry', '/registries/fixture'],
    ['registry-tags', '/registries/fixture?repo=team%2Fapp'],
    ['registry-copies', '/registries/fixture?tab=copies'],
    ['registry-pullsecrets', '/registries/fixture?tab=pullsecrets'],
    ['registry-webhooks', '/registries/fixture?tab=webhooks'],
    ['addons', '/addons'],
    ['addon-chart', '/addons/charts/jenkins'],
    ['chart-repos', '/chart-repositories'],
    ['chart-repo-missing', '/chart-repositories/none'],
    ['releases', `/clusters/${c}/releases`],
    ['credentials', '/credentials'],
    ['users', '/users'],
    ['tokens', '/tokens'],
    ['audit', '/audit'],
    ['search', '/search?q=shell'],
    ['not-found', '/no/such/page'],
  ];
}

exports.run = async (browser) => {
  // Every page is visited and shot even when one fails its checks: the
  // failures are reported together at the end.
  const failures = [];
  for (const dark of [false, true]) {
    const page = await newPage(browser, { dark });
    await login(page, config.admin(), '/clusters');
    for (const [name, path] of pages()) {
      // In-app navigation, as a user clicking through the console (and
      // far quicker than loading the app again for every page).
      await page.evaluate((p) => {
        history.pushState({}, '', p);
        dispatchEvent(new PopStateEvent('popstate'));
      }, path);
      await settle(page);
      await screenshot(page, `page-${name}-${dark ? 'dark' : 'light'}`);
      await checkA11y(page, `${name} (${dark ? 'dark' : 'light'})`).catch((e) => failures.push(e.message));
    }
    // The chart repository dialog (the server has none to list).
    await page.evaluate(() => {
      history.pushState({}, '', '/chart-repositories');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await settle(page);
    await page.getByRole('button', { name: 'Add chart repository' }).click();
    await page.getByRole('dialog').waitFor();
    await settle(page);
    await screenshot(page, `dialog-chart-repo-${dark ? 'dark' : 'light'}`);
    await checkA11y(page, `chart repository dialog (${dark ? 'dark' : 'light'})`).catch((e) => failures.push(e.message));
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    if (dark) {
      // And in Chinese: the empty list and the dialog.
      await page.locator('div.ant-select[aria-label="Language"]').click();
      await page.getByTitle('简体中文').click();
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      await page.mouse.move(0, 0);
      await settle(page);
      await screenshot(page, 'zh-chart-repos-dark');
      await page.getByRole('button', { name: '添加 Chart 仓库' }).click();
      await page.getByRole('dialog').waitFor();
      await settle(page);
      await screenshot(page, 'zh-dialog-chart-repo-dark');
      await checkA11y(page, 'zh chart repository dialog (dark)').catch((e) => failures.push(e.message));
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.locator('div.ant-select[aria-label="语言"], div.ant-select[aria-label="Language"]').first().click();
      await page.getByTitle('English').click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
    }
    // The command palette, opened with Ctrl-K, jumps to a page by name.
    await page.goto(`${config.url()}/clusters/${config.cluster()}`);
    await settle(page);
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Where to?' }).fill('nodes');
    await screenshot(page, `palette-${dark ? 'dark' : 'light'}`);
    await checkA11y(page, `palette (${dark ? 'dark' : 'light'})`).catch((e) => failures.push(e.message));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/nodes');
    await finish(page);
  }
  if (failures.length) throw new Error(failures.join('\n'));
};
