// Against a real registry (docker-registry over TLS from its own CA, with
// basic auth): store its login as a credential, add the registry (its
// certificate refused until the CA is given, on the CA field), test the
// connection, browse to a multi-platform tag, copy it to another
// repository and see the copy succeed, delete the copy's tag, page through
// a long tag list, keep a pull secret in the sandbox cluster's namespace
// and see it written, create a webhook and see a delivery; rotating shows
// no secret, and deleting a credential in use lists what uses it. The
// registry's password never reaches a page: not in any answer of the API,
// not in any page's HTML.
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { config, newPage, login, checkA11y, screenshot, settle, confirm, finish, assert } = require('../lib.cjs');

const registry = () => ({
  url: process.env.WH_REGISTRY_URL,
  ca: fs.readFileSync(process.env.WH_REGISTRY_CA, 'utf8'),
  user: process.env.WH_REGISTRY_USER,
  password: process.env.WH_REGISTRY_PASSWORD,
});

/**
 * watchForSecret fails the scenario when the secret is in any answer of
 * the API the page reads, or (at each check) in the page's HTML.
 */
function watchForSecret(page, secret) {
  const leaks = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/api/') || /event-stream/.test(r.headers()['content-type'] || '')) return;
    const body = await r.text().catch(() => '');
    if (body.includes(secret)) leaks.push(`${r.request().method()} ${r.url()}`);
  });
  return async (where) => {
    const html = await page.content();
    assert(!html.includes(secret), `the registry password is in the page's HTML at ${where}`);
    assert(leaks.length === 0, `the registry password is in answers of the API: ${leaks.join(', ')}`);
  };
}

/** pick chooses the option of the open Select's list. */
const pick = async (page, title) => {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
};

/** choose opens the Select labelled label in scope (a chosen value covers its input) and picks title. */
const choose = async (scope, label, title) => {
  await scope.locator('.ant-select', { has: scope.page().getByLabel(label, { exact: true }) }).click();
  await pick(scope.page(), title);
};

exports.run = async (browser) => {
  const reg = registry();
  const page = await newPage(browser);
  const noSecret = watchForSecret(page, reg.password);
  await login(page, config.admin(), '/credentials');
  await page.getByRole('heading', { name: 'Credentials' }).waitFor();

  // A registry login, its password write-only.
  await page.getByRole('button', { name: 'Create credential' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('registry-login');
  await dialog.getByLabel('User name').fill(reg.user);
  await dialog.getByLabel('Password or access token').fill(reg.password);
  await settle(page);
  await checkA11y(page, 'create credential');
  await screenshot(page, 'credential-create-light');
  await dialog.locator('button[type=submit]').click();
  await dialog.waitFor({ state: 'hidden' });
  const credRow = page.getByRole('row').filter({ hasText: 'registry-login' });
  await credRow.getByText('Password or access token: set').waitFor();
  await credRow.getByText(`User name: ${reg.user}`).waitFor();
  await settle(page);
  await noSecret('the credentials list');

  // The registry: its certificate is refused on the CA field until its CA is given.
  await page.getByRole('navigation').getByText('Image registries').click();
  await page.getByRole('heading', { name: 'Image registries' }).waitFor();
  await page.getByRole('button', { name: 'Add registry' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('e2e');
  await dialog.getByLabel('Endpoint').fill(reg.url);
  await choose(dialog, 'Credential', 'registry-login (Registry login)');
  await dialog.locator('button[type=submit]').click();
  await dialog.locator('#caBundle_help').getByText(/^Untrusted certificate\. .*certificate signed by unknown authority/).waitFor({ timeout: 30000 });
  await settle(page);
  await checkA11y(page, 'registry dialog with the server\'s error');
  await screenshot(page, 'registry-create-error-light');
  await dialog.getByLabel('CA bundle').fill(reg.ca);
  await dialog.locator('button[type=submit]').click();
  await page.waitForURL('**/registries/e2e');

  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connection OK').waitFor({ timeout: 30000 });
  await page.getByTestId('registry-status-e2e').getByText('Connected').waitFor();

  // Browse to the two-platform tag.
  await page.getByRole('link', { name: 'team/app', exact: true }).click();
  const v1 = page.locator('tr').filter({ has: page.getByText('v1', { exact: true }) });
  await v1.getByText('linux/arm64/v8').waitFor({ timeout: 30000 });
  await v1.getByText('linux/amd64').waitFor();
  await v1.getByText(/^sha256:[0-9a-f]{12}$/).waitFor();
  await v1.getByText(/^\d+(\.\d)?Ki$/).waitFor();
  // The filter is the server's.
  await page.getByLabel('Filter tags').fill('old');
  await page.getByLabel('Filter tags').press('Enter');
  await v1.waitFor({ state: 'detached' });
  await page.locator('tr').filter({ has: page.getByText('old', { exact: true }) }).waitFor();
  await page.getByLabel('Filter tags').fill('');
  await page.getByLabel('Filter tags').press('Enter');
  await v1.waitFor();
  await settle(page);
  await checkA11y(page, 'registry tags');
  await screenshot(page, 'registry-tags-light');

  // Copy it to another repository; the dialog follows the copy to its end.
  await v1.getByRole('button', { name: 'Copy image' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Target repository').fill('copies/app');
  await dialog.getByLabel('Target tag').fill('v1-copy');
  await settle(page);
  await checkA11y(page, 'copy dialog');
  await screenshot(page, 'registry-copy-light');
  await dialog.locator('button[type=submit]').click();
  await page.getByTestId('copy-state').getByText('Succeeded').waitFor({ timeout: 60000 });
  // Every byte moved: "605Ki of 605Ki".
  const moved = (await page.getByTestId('copy-progress').getByTestId('copy-bytes').innerText()).split(' of ');
  assert(moved.length === 2 && moved[0] === moved[1] && moved[0] !== '0B', `the copy moved ${moved.join(' of ')}`);
  await settle(page);
  await screenshot(page, 'registry-copy-done-light');
  await page.getByRole('dialog').locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
  await page.getByRole('tab', { name: 'Copies' }).click();
  // Newest first.
  await page.getByRole('row').filter({ hasText: 'e2e/copies/app:v1-copy' }).first().getByText('Succeeded').waitFor();

  // The copy is there; delete its tag.
  await page.getByRole('tab', { name: 'Images' }).click();
  await page.getByLabel('Filter repositories').fill('copies');
  await page.getByLabel('Filter repositories').press('Enter');
  await page.getByRole('link', { name: 'copies/app', exact: true }).click();
  const copied = page.locator('tr').filter({ has: page.getByText('v1-copy', { exact: true }) });
  await copied.getByText('linux/arm64/v8').waitFor({ timeout: 30000 });
  await copied.getByRole('button', { name: 'Delete' }).click();
  await confirm(page);
  await page.getByText('Tag v1-copy deleted').waitFor();
  await copied.waitFor({ state: 'detached' });

  // Pages of the server: 23 tags, 20 on a page.
  await page.getByRole('link', { name: 'e2e', exact: true }).click();
  await page.getByRole('link', { name: 'team/many', exact: true }).click();
  const tag = (name) => page.locator('tr').filter({ has: page.getByText(name, { exact: true }) });
  await tag('t00').waitFor({ timeout: 30000 });
  assert((await page.locator('.ant-tabs-tabpane-active .ant-table-tbody tr.ant-table-row').count()) === 20, 'the first page does not hold 20 tags');
  const pager = page.getByRole('navigation', { name: 'Tags' });
  await pager.getByRole('button', { name: 'Next' }).click();
  await tag('t22').waitFor();
  await pager.getByText('Page 2').waitFor();
  assert((await page.locator('.ant-tabs-tabpane-active .ant-table-tbody tr.ant-table-row').count()) === 3, 'the second page does not hold the last 3 tags');
  await settle(page);
  await screenshot(page, 'registry-tags-page2-light');
  await pager.getByRole('button', { name: 'Previous' }).click();
  await tag('t00').waitFor();

  // A pull secret kept in the sandbox cluster's namespace.
  const ns = config.namespace();
  await page.getByRole('tab', { name: 'Pull secrets' }).click();
  await page.getByRole('button', { name: 'Add target' }).click();
  dialog = page.getByRole('dialog');
  await choose(dialog, 'Cluster', config.cluster());
  await choose(dialog, 'Namespaces', ns);
  await dialog.locator('.ant-modal-title').click();
  await settle(page);
  await checkA11y(page, 'pull secret dialog');
  await screenshot(page, 'registry-pullsecret-add-light');
  await dialog.locator('button[type=submit]').click();
  await dialog.waitFor({ state: 'hidden' });
  const target = page.getByRole('row').filter({ hasText: 'e2e-pull' });
  await target.getByText('Written').waitFor({ timeout: 60000 });
  await page.getByRole('row').filter({ hasText: 'ago' }).filter({ hasText: ns }).first().waitFor();
  const secretType = execFileSync(process.env.WH_KUBECTL, ['--kubeconfig', process.env.WH_KUBECONFIG, '-n', ns, 'get', 'secret', 'e2e-pull', '-o', 'jsonpath={.type}']).toString();
  assert(secretType === 'kubernetes.io/dockerconfigjson', `the pull secret's type is ${secretType}`);
  await settle(page);
  await checkA11y(page, 'pull secrets');
  await screenshot(page, 'registry-pullsecrets-light');

  // A webhook: its URL and token shown once; a delivery with the token is accepted.
  await page.getByRole('tab', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Create webhook' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('push');
  await dialog.locator('button[type=submit]').click();
  const token = (await page.getByTestId('webhook-token').innerText()).trim();
  const url = (await page.getByTestId('webhook-url').innerText()).trim();
  assert(/^whk_/.test(token), `the webhook's token reads ${token}`);
  assert(url.startsWith(`${config.url()}/api/v1/hooks/registries/`), `the webhook's URL is ${url}`);
  // The registry's notifications settings, with the URL and the token.
  const how = await page.getByTestId('how-to-send').locator('pre').innerText();
  assert(how.includes(`url: ${url}`) && how.includes(`X-Wheelhouse-Token: [${token}]`), `how to send reads ${how}`);
  await settle(page);
  await checkA11y(page, 'webhook created');
  await screenshot(page, 'registry-webhook-created-light');
  const sent = await page.request.post(url, {
    headers: { 'X-Wheelhouse-Token': token, 'Content-Type': 'application/vnd.docker.distribution.events.v1+json' },
    data: JSON.stringify({
      events: [{ id: 'e2e-1', timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', digest: `sha256:${'a'.repeat(64)}`, repository: 'team/app', tag: 'v1' } }],
    }),
  });
  assert(sent.status() === 202, `the delivery was answered ${sent.status()}`);
  await page.getByRole('button', { name: 'Done' }).click();
  const hook = page.getByRole('row').filter({ hasText: 'push' }).filter({ hasText: 'Docker Registry' });
  await hook.getByRole('button', { name: /expand/i }).click();
  await page.getByRole('row').filter({ hasText: 'team/app:v1' }).getByText('Accepted').waitFor({ timeout: 30000 });
  assert(!(await page.content()).includes(token), 'the webhook token is still on the page after its dialog closed');
  await settle(page);
  await checkA11y(page, 'webhooks');
  await screenshot(page, 'registry-webhooks-light');
  await noSecret('the registry page');

  // Rotating shows no secret; deleting a credential in use lists its users.
  await page.getByRole('navigation').getByText('Credentials').click();
  const row = page.getByRole('row').filter({ hasText: 'registry-login' });
  await row.getByRole('button', { name: 'Rotate' }).click();
  dialog = page.getByRole('dialog');
  assert((await dialog.getByLabel('Password or access token').inputValue()) === '', 'the rotate dialog shows the password');
  assert((await dialog.getByLabel('User name').inputValue()) === reg.user, 'the rotate dialog lost the user name');
  await settle(page);
  await checkA11y(page, 'rotate credential');
  await screenshot(page, 'credential-rotate-light');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByRole('button', { name: 'Delete' }).click();
  await confirm(page);
  dialog = page.getByRole('dialog');
  await dialog.getByText('This credential is in use and was not deleted').waitFor();
  await dialog.getByRole('link', { name: 'e2e', exact: true }).waitFor();
  await settle(page);
  await checkA11y(page, 'credential in use');
  await screenshot(page, 'credential-in-use-light');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await noSecret('the credentials page');
  await finish(page);

  // The dialogs in the dark theme and in Chinese.
  const zh = await newPage(browser, { dark: true });
  const noSecretZh = watchForSecret(zh, reg.password);
  await login(zh, config.admin(), '/registries/e2e?repo=team/app');
  await zh.locator('div.ant-select[aria-label="Language"]').click();
  await zh.getByTitle('简体中文').click();
  await zh.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  // The pointer, left where the language was picked, would hover a button.
  await zh.mouse.move(0, 0);
  await zh.locator('tr').filter({ has: zh.getByText('v1', { exact: true }) }).getByText('linux/arm64/v8').waitFor({ timeout: 30000 });
  await settle(zh);
  await checkA11y(zh, 'zh registry tags (dark)');
  await screenshot(zh, 'zh-registry-tags-dark');
  for (const [button, name] of [
    // antd spaces out a two-character Chinese label: "编 辑".
    [/^编\s?辑$/, 'registry-edit'],
    [/^复制镜像$/, 'registry-copy'],
  ]) {
    await zh.getByRole('button', { name: button }).first().click();
    await zh.getByRole('dialog').waitFor();
    await settle(zh);
    await checkA11y(zh, `zh ${name} (dark)`);
    await screenshot(zh, `zh-${name}-dark`);
    await zh.getByRole('dialog').getByRole('button', { name: /^取\s?消$/ }).click();
    await zh.getByRole('dialog').waitFor({ state: 'hidden' });
  }
  await zh.goto(`${config.url()}/credentials`);
  await zh.getByRole('button', { name: '创建凭证' }).click();
  await choose(zh.getByRole('dialog'), '类型', 'AWS 访问密钥');
  await zh.getByRole('dialog').getByLabel('会话令牌').waitFor();
  await settle(zh);
  await checkA11y(zh, 'zh create credential (dark)');
  await screenshot(zh, 'zh-credential-create-dark');
  await noSecretZh('the Chinese pages');
  await finish(zh);
};
