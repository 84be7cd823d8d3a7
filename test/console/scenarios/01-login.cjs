// Signing in, a wrong password, and an expired session going back to the
// page the user was on.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, finish, assert } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  await page.goto(`${config.url()}/clusters/${c}/nodes`);
  await page.waitForURL(/\/login\?next=/);
  await settle(page);
  await checkA11y(page, 'login');
  await screenshot(page, 'login-light');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong user name or password').waitFor();
  await page.getByLabel('Password').fill(config.admin().password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/clusters/${c}/nodes`);
  await page.getByRole('heading', { name: 'Nodes' }).waitFor();

  // The session expires (the server no longer knows the token): the next
  // request is a 401, the console goes to the login page and comes back.
  await page.evaluate(() => sessionStorage.setItem('wheelhouse.token', 'expired-token'));
  await page.goto(`${config.url()}/clusters/${c}/namespaces`);
  await page.waitForURL(/\/login\?next=%2Fclusters%2F/);
  await page.getByText('Your session ended').waitFor();
  await login(page, config.admin());
  await page.waitForURL(`**/clusters/${c}/namespaces`);
  assert(new URL(page.url()).pathname === `/clusters/${c}/namespaces`, `back at ${page.url()}`);
  await finish(page);
};
