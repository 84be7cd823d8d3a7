// Switch the console to Simplified Chinese; the choice is kept.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const ns = config.namespace();
  await login(page, config.admin(), '/clusters');
  await page.locator('div.ant-select[aria-label="Language"]').click();
  await page.getByTitle('简体中文').click();
  await page.getByRole('heading', { name: '集群' }).waitFor();
  for (const [name, path] of [
    ['clusters', '/clusters'],
    ['nodes', `/clusters/${c}/nodes`],
    ['deployments', `/clusters/${c}/ns/${ns}/deployments`],
    ['configmap', `/clusters/${c}/ns/${ns}/configmaps/settings`],
    ['registries', '/registries'],
    ['registry-tags', '/registries/fixture?repo=team%2Fapp'],
    ['registry-pullsecrets', '/registries/fixture?tab=pullsecrets'],
    ['credentials', '/credentials'],
  ]) {
    await page.goto(config.url() + path);
    await settle(page);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await checkA11y(page, `zh ${name}`);
    await screenshot(page, `zh-${name}-light`);
  }
  await page.reload();
  await page.getByRole('navigation').getByText('集群', { exact: true }).first().waitFor();
  await finish(page);
};
