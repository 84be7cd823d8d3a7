// Pipelines: set the project's pipeline settings, create a plain git
// provider, its repository (the test's git server) and a pipeline through
// the wizard, run it and watch it reach Success with its logs (the
// preparation's too), run the failing branch and see the failed step and the
// skipped stage, abort a slow run while its log is followed, rerun a run,
// see a run started through the API appear and end on the open page (the
// executions' watch stream),
// change the triggers in the settings tab, and see that the file editor
// explains it needs a connected forge account (a plain git server has no API
// to commit through). Every page is checked by axe and shot in the light
// and dark themes, in English and Chinese.
'use strict';
const { config, newPage, login, checkA11y, screenshot, settle, confirm, finish, assert } = require('../lib.cjs');

const project = 'team';

const shoot = async (page, name, label) => {
  // The pointer rests where the last click left it (the language menu
  // sits over the header's buttons): away, so no hover state is shot.
  await page.mouse.move(700, 880);
  await settle(page);
  if (!(await page.getByRole('dialog').count())) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(350);
  await checkA11y(page, label || name);
  await screenshot(page, name);
};

/** choose opens the Select labelled label in scope and picks the option titled title. */
const choose = async (scope, label, title) => {
  const page = typeof scope.page === 'function' ? scope.page() : scope;
  await scope.locator('.ant-select', { has: page.getByLabel(label, { exact: true }) }).click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
};

/** go navigates inside the app without a reload. */
const go = (page, to) =>
  page.evaluate((path) => {
    history.pushState({}, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
  }, to);

/** runOn runs the pipeline from its page on branch and returns the execution page's path. */
const runOn = async (page, branch) => {
  await page.getByRole('button', { name: 'Run', exact: true }).first().click();
  const d = page.getByRole('dialog');
  await d.getByLabel('Branch name').fill(branch);
  await d.getByRole('button', { name: 'Run' }).click();
  // The dialog closes once the run is created (CI once saw it stay open,
  // nothing sent: say what it showed).
  await d.waitFor({ state: 'detached', timeout: 15000 }).catch(async (e) => {
    throw new Error(`the run dialog stayed open: ${await d.innerText().catch(() => '?')}\n${e.message}`);
  });
  await page.waitForURL(/\/pipeline-executions\//);
  return new URL(page.url()).pathname;
};

/** waitState waits until the execution page shows state (and fails on another final one). */
const waitState = async (page, state, timeout = 120000) => {
  const tag = page.getByTestId('execution-state');
  await tag.getByText(/^(Success|Failed|Aborted|Denied)$/).waitFor({ timeout });
  const got = (await tag.innerText()).trim();
  if (got !== state) {
    const body = await page.locator('main').innerText().catch(() => '');
    throw new Error(`execution ended ${got}, want ${state}:\n${body.slice(0, 1500)}`);
  }
};

/** giteaFile reads the pipeline file of the Gitea repository (its content and sha). */
const giteaFile = async () => {
  const url = `${process.env.WH_GITEA_URL}/api/v1/repos/${process.env.WH_GITEA_USER}/web/contents/.wheelhouse-pipeline.yml?ref=main`;
  const r = await fetch(url, { headers: { Authorization: `token ${process.env.WH_GITEA_TOKEN}` } });
  assert(r.ok, `gitea: ${r.status}`);
  const j = await r.json();
  return { sha: j.sha, content: Buffer.from(j.content, 'base64').toString('utf8') };
};

/** giteaCommit commits content as the pipeline file, as someone else would meanwhile. */
const giteaCommit = async (content, sha) => {
  const url = `${process.env.WH_GITEA_URL}/api/v1/repos/${process.env.WH_GITEA_USER}/web/contents/.wheelhouse-pipeline.yml`;
  const r = await fetch(url, {
    method: 'PUT',
    headers: { Authorization: `token ${process.env.WH_GITEA_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ content: Buffer.from(content).toString('base64'), sha, branch: 'main', message: 'meanwhile' }),
  });
  assert(r.ok, `gitea commit: ${r.status} ${await r.text()}`);
};

/** newProvider opens the wizard and starts a new provider named name of the type titled type. */
const newProvider = async (page, list, name, type) => {
  await go(page, list);
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await page.getByRole('heading', { name: 'Create pipeline' }).waitFor();
  await page.getByLabel('Add a provider').check();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await choose(page, 'Type', type);
};

/** newGiteaProvider opens the wizard and fills in a new provider "gitea" for the test's Gitea. */
const newGiteaProvider = async (page, list) => {
  await newProvider(page, list, 'gitea', 'Gitea');
  await page.getByLabel('Host').fill(process.env.WH_GITEA_URL);
};

/** whAPI calls the server's API as the signed-in user of page. */
const whAPI = (page, method, path, body) =>
  page.evaluate(
    async ([method, path, body]) => {
      const token = sessionStorage.getItem('wheelhouse.token') ?? localStorage.getItem('wheelhouse.token');
      const r = await fetch(path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    [method, path, body],
  );

/**
 * oauthAccount adds a provider with Gitea's OAuth application (made
 * through Gitea's API) in the wizard, then connects the account through
 * the wizard's "Connect with Gitea": Gitea's own sign-in and consent pages
 * in the pop-up, and the wizard connected, where it was.
 */
const oauthAccount = async (page, list) => {
  const c = config.cluster();
  const base = `/api/v1/clusters/${c}/projects/${project}`;
  const origin = new URL(page.url()).origin;
  const r = await fetch(`${process.env.WH_GITEA_URL}/api/v1/user/applications/oauth2`, {
    method: 'POST',
    headers: { Authorization: `token ${process.env.WH_GITEA_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'wheelhouse-console', redirect_uris: [`${origin}/oauth/callback`], confidential_client: true }),
  });
  if (!r.ok) throw new Error(`gitea oauth app: ${r.status} ${await r.text()}`);
  const app = await r.json();

  await newGiteaProvider(page, list);
  await page.getByText(`${origin}/oauth/callback`).waitFor();
  await page.getByLabel('Client ID').fill(app.client_id);
  await page.getByLabel('Client secret').fill(app.client_secret);
  await shoot(page, 'pipelines-wizard-oauth-app-light', 'wizard: provider with an OAuth application');
  // A name taken: refused, and the secret stored for it is gone again.
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('alert').getByText(/already exists/).first().waitFor();
  const creds = await whAPI(page, 'GET', `${base}/credentials`);
  assert(!creds.items.some((x) => x.name === 'pipeline-oauth-gitea'), 'the refused provider left its OAuth secret behind');
  await page.getByLabel('Name', { exact: true }).fill('gitea-sso');
  await page.getByRole('button', { name: 'Next' }).click();
  const signIn = page.getByRole('button', { name: 'Connect with Gitea' });
  await signIn.waitFor();
  await shoot(page, 'pipelines-wizard-oauth-light', 'wizard: connect with Gitea');
  const [popup] = await Promise.all([page.waitForEvent('popup'), signIn.click()]);
  // Gitea's sign-in page, then its consent page, in the pop-up.
  await popup.locator('#user_name').fill(process.env.WH_GITEA_USER);
  await popup.locator('#password').fill(process.env.WH_GITEA_PASSWORD);
  await popup.locator('#password').press('Enter');
  await popup.getByRole('button', { name: /Authorize Application/i }).click();
  await popup.waitForEvent('close', { timeout: 30000 });
  await page.getByText(`Connected as ${process.env.WH_GITEA_USER} at gitea-sso`).waitFor();
  const secret = (await whAPI(page, 'GET', `${base}/credentials`)).items.find((x) => x.name === 'pipeline-oauth-gitea-sso');
  assert(secret && secret.type === 'oauth-client', `the OAuth application's secret is kept as ${JSON.stringify(secret)}, want an oauth-client credential`);
  await choose(page, 'Repository', `${process.env.WH_GITEA_USER}/web`);
  await shoot(page, 'pipelines-wizard-oauth-connected-light', 'wizard: connected through Gitea');
};

const forgePipeline = async (page, list) => {
  const user = process.env.WH_GITEA_USER;
  await newGiteaProvider(page, list);
  await page.getByRole('button', { name: 'Next' }).click();
  // No account yet: connect one with a token; a wrong one is refused.
  await page.getByLabel('Access token').fill('not-a-token');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('the forge refused the token').first().waitFor();
  await page.getByLabel('Access token').fill(process.env.WH_GITEA_TOKEN);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(`Connected as ${user} at gitea`).waitFor();
  await choose(page, 'Repository', `${user}/web`);
  await shoot(page, 'pipelines-wizard-forge-light', 'wizard: forge repository');
  await page.getByRole('button', { name: 'Next' }).click();
  assert((await page.getByLabel('Pipeline name').inputValue()) === 'web', 'the pipeline is not named after the repository');
  await page.getByLabel('Push', { exact: true }).uncheck();
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await page.getByRole('heading', { name: 'web', level: 1 }).waitFor();

  // The file as a form: the stages and steps of main.
  await page.getByRole('tab', { name: 'Pipeline file' }).click();
  const form = page.getByTestId('file-form');
  await form.waitFor();
  assert((await form.getByLabel('Stage 1 name').inputValue()) === 'build', 'stage 1 is not build');
  assert((await form.getByLabel('Stage 1 step 2: Image').inputValue()) === 'busybox', 'the image of build/side is not shown');
  await form.getByRole('button', { name: 'Add stage' }).click();
  await form.getByLabel('Stage 3 name').fill('publish');
  await form.getByLabel('Stage 3 step 1: Name').fill('report');
  await form.getByLabel('Stage 3 step 1: Script').fill('echo from the form');
  // An image left empty is a problem the server finds, by line.
  await form.getByLabel('Stage 3 step 1: Image').fill('');
  await shoot(page, 'pipelines-file-form-light', 'file: form');
  // The same model as YAML.
  await page.getByText('YAML', { exact: true }).click();
  const lines = page.locator('.monaco-editor .view-lines');
  await lines.getByText('echo from the form').waitFor();
  await lines.getByText('name: publish').waitFor();
  await shoot(page, 'pipelines-file-yaml-light', 'file: YAML');
  await page.getByRole('button', { name: 'Commit' }).click();
  const problems = page.getByTestId('file-problems');
  await problems.getByText(/^Line \d+/).first().waitFor();
  await problems.getByText(/image/).first().waitFor();
  // The same problem is marked in the text, under its line.
  await page.locator('.monaco-editor .squiggly-error').first().waitFor();
  await shoot(page, 'pipelines-file-problems-light', 'file: problems');
  // Back in the form, the image filled in: saved as a commit.
  await page.getByText('Form', { exact: true }).click();
  await form.getByLabel('Stage 3 step 1: Image').fill('alpine');
  await page.getByLabel('Commit message').fill('Report from the console');
  await page.getByRole('button', { name: 'Commit' }).click();
  await page.getByText(/^Committed [0-9a-f]{8} to main$/).waitFor();
  const saved = await giteaFile();
  assert(saved.content.includes('echo from the form') && saved.content.includes('image: alpine'), `the commit does not hold the change:\n${saved.content}`);

  // Someone commits meanwhile: saving is refused, and says so.
  await giteaCommit(saved.content.replace('echo bye', 'echo bye meanwhile'), saved.sha);
  await form.getByLabel('Stage 3 step 1: Script').fill('echo from the form, again');
  await page.getByRole('button', { name: 'Commit' }).click();
  await page.getByText('Someone changed the file since you loaded it').waitFor();
  await shoot(page, 'pipelines-file-conflict-light', 'file: conflict');
  await page.getByRole('button', { name: 'Load the latest' }).click();
  await page.getByText('Someone changed the file since you loaded it').waitFor({ state: 'detached' });
  await page.getByText('Form', { exact: true }).click();
  assert((await form.getByLabel('Stage 3 step 1: Script').inputValue()) === 'echo from the form', 'the latest file was not loaded');
};

exports.run = async (browser) => {
  const c = config.cluster();
  const gitURL = process.env.WH_GIT_URL;
  assert(gitURL, 'WH_GIT_URL is not set');
  const list = `/pipelines?cluster=${c}&project=${project}`;
  const page = await newPage(browser);
  await login(page, config.admin(), list);
  await page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
  await page.getByText('No pipelines yet').waitFor();
  await shoot(page, 'pipelines-list-empty-light', 'empty list');

  // The project's settings: quota, timeout, isolation.
  await page.getByRole('button', { name: 'Pipeline settings' }).click();
  await page.getByRole('heading', { name: 'Pipeline settings' }).waitFor();
  await page.getByText('This project has no pipeline settings yet').waitFor();
  await page.getByLabel('Default timeout').fill('ten minutes');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('A duration such as 30m').waitFor();
  await page.getByLabel('Executor quota').fill('3');
  await page.getByLabel('Default timeout').fill('30m');
  await page.getByLabel('Process').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved').first().waitFor();
  await page.getByText('This project has no pipeline settings yet').waitFor({ state: 'detached' });
  await shoot(page, 'pipelines-settings-light', 'settings');

  // The wizard: a plain git provider, the clone URL, the triggers.
  await newProvider(page, list, 'plain', 'Git server (no forge API)');
  await shoot(page, 'pipelines-wizard-provider-light', 'wizard: provider');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Clone URL').waitFor();
  await page.getByText('A plain git server has no accounts or webhooks').waitFor();
  await page.getByLabel('Clone URL').fill(gitURL);
  await page.getByLabel('Default branch').fill('main');
  await shoot(page, 'pipelines-wizard-repository-light', 'wizard: repository');
  await page.getByRole('button', { name: 'Next' }).click();
  assert((await page.getByLabel('Pipeline name').inputValue()) === 'app', 'the pipeline is not named after the repository');
  await page.getByLabel('Push', { exact: true }).uncheck();
  await page.getByText('A plain git server sends no webhooks').waitFor();
  await shoot(page, 'pipelines-wizard-triggers-light', 'wizard: triggers');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await page.getByRole('heading', { name: 'app', exact: true, level: 1 }).waitFor();
  const pipelinePath = new URL(page.url()).pathname;
  await page.getByText('No executions yet').waitFor();

  // A run that succeeds, with its logs.
  const okRun = await runOn(page, 'main');
  await page.getByTestId('stage-build').waitFor({ timeout: 60000 });
  await waitState(page, 'Success');
  for (const s of ['hello', 'side', 'bye']) {
    assert((await page.getByTestId(`step-${s}`).getAttribute('data-state')) === 'Success', `step ${s} did not succeed`);
  }
  await page.getByTestId('step-hello').click();
  const log = page.getByRole('log');
  // The end shows first; only the lines in view are in the page.
  await page.getByTestId('log-state').getByText('lines: 301').waitFor();
  await log.getByText('line 300', { exact: true }).waitFor();
  assert((await log.getByText('line 100', { exact: true }).count()) === 0, 'the log view renders lines out of view');
  await page.getByRole('switch', { name: 'Follow the end' }).click();
  await log.evaluate((el) => (el.scrollTop = 0));
  await log.getByText('hello from main').waitFor();
  await shoot(page, 'pipelines-execution-success-light', 'execution: success');
  await page.getByTestId('step-Clone').click();
  await page.getByRole('heading', { name: 'Log of Preparation' }).waitFor();
  await page.getByTestId('log-state').getByText(/Complete|No log/).waitFor();

  // A run that fails: the failed step, its exit code, the skipped stage.
  await go(page, pipelinePath);
  await page.getByRole('heading', { name: 'app', exact: true, level: 1 }).waitFor();
  await runOn(page, 'fail');
  await waitState(page, 'Failed');
  const boom = page.getByTestId('step-boom');
  assert((await boom.getAttribute('data-state')) === 'Failed', 'step boom did not fail');
  await boom.getByText('exit 3').waitFor();
  assert((await page.getByTestId('step-never').getAttribute('data-state')) === 'Skipped', 'the later stage was not skipped');
  await page.getByTestId('stage-deploy').getByText('Skipped').first().waitFor();
  // The failed step's log opens first.
  await page.getByRole('log').getByText('failing on purpose').waitFor();
  await shoot(page, 'pipelines-execution-failed-light', 'execution: failed');
  const failedRun = new URL(page.url()).pathname;

  // A slow run, followed live, then aborted.
  await go(page, pipelinePath);
  await page.getByRole('heading', { name: 'app', exact: true, level: 1 }).waitFor();
  await runOn(page, 'slow');
  await page.getByTestId('step-sleep').and(page.locator('[data-state="Building"]')).waitFor({ timeout: 60000 });
  await page.getByTestId('step-sleep').click();
  await page.getByRole('log').getByText('sleeping').waitFor({ timeout: 30000 });
  await page.getByTestId('log-state').getByText('Following').waitFor();
  await page.getByTestId('execution-state').getByText('Building').waitFor();
  await page.waitForTimeout(1200);
  await checkA11y(page, 'execution: running');
  await screenshot(page, 'pipelines-execution-running-light');
  await page.getByRole('button', { name: 'Abort' }).click();
  await confirm(page);
  await waitState(page, 'Aborted', 60000);
  await page.getByTestId('step-sleep').and(page.locator('[data-state="Aborted"]')).waitFor();
  await page.getByRole('button', { name: 'Rerun' }).waitFor();
  await shoot(page, 'pipelines-execution-aborted-light', 'execution: aborted');

  // Rerun the first run: the same commit, a new execution.
  await go(page, okRun);
  await page.getByRole('heading', { name: 'app #1' }).waitFor();
  await waitState(page, 'Success');
  await page.getByRole('button', { name: 'Rerun' }).click();
  await page.waitForURL((u) => u.pathname !== okRun && u.pathname.includes('/pipeline-executions/'));
  await page.getByRole('heading', { name: 'app #4' }).waitFor();
  await page.getByText('rerun of').waitFor();
  await waitState(page, 'Success');

  // The history, newest first, followed through the executions' watch.
  const watching = page.waitForRequest((r) => /\/watch\/projects\/[^/]+\/pipeline-executions\?/.test(r.url()));
  await go(page, pipelinePath);
  await page.getByTestId('run-4').waitFor();
  for (const [n, s] of [['1', 'Success'], ['2', 'Failed'], ['3', 'Aborted'], ['4', 'Success']]) {
    await page.getByTestId(`run-state-${n}`).getByText(s).waitFor();
  }
  const order = await page.locator('[data-testid^="run-"]:not([data-testid^="run-state"])').evaluateAll((els) => els.map((e) => e.textContent));
  assert(order.join(',') === '#4,#3,#2,#1', `executions are not newest first: ${order}`);
  // A run started elsewhere (here, the API) shows up and runs to its end on
  // the open page, without a reload.
  await watching;
  await whAPI(page, 'POST', `/api/v1/clusters/${c}/projects/${project}/pipelines/app/run`, { branch: 'main' });
  await page.getByTestId('run-state-5').getByText('Success').waitFor({ timeout: 120000 });
  await shoot(page, 'pipelines-detail-light', 'pipeline: executions');

  // Settings: add the cron trigger.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Schedule', { exact: true }).check();
  await page.getByLabel('Cron schedule').fill('0 3 * * *');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved').first().waitFor();
  await page.getByText(/Manual, Schedule 0 3 \* \* \*/).first().waitFor();
  await shoot(page, 'pipelines-detail-settings-light', 'pipeline: settings');

  // The file editor needs a forge account: a plain git server has none.
  await page.getByRole('tab', { name: 'Pipeline file' }).click();
  await page.getByTestId('file-unavailable').getByText('needs a provider of type GitHub, GitLab or Gitea').waitFor();
  await shoot(page, 'pipelines-detail-file-light', 'pipeline: file');

  // A Gitea: connect the account with a token, pick the repository from
  // its list, and edit the pipeline file as a form and as YAML.
  await forgePipeline(page, list);
  await oauthAccount(page, list);

  // The list: the last run.
  await go(page, list);
  await page.getByTestId('pipeline-app').waitFor();
  await page.getByTestId('last-state-app').getByText('Success').waitFor();
  await shoot(page, 'pipelines-list-light', 'list');
  await finish(page);

  // The dark theme, and Chinese in both themes.
  for (const [suffix, opts] of [
    ['dark', { dark: true }],
    ['zh-light', { zh: true }],
    ['zh-dark', { zh: true, dark: true }],
  ]) {
    const p = await newPage(browser, { dark: !!opts.dark });
    await login(p, config.admin(), list);
    if (opts.zh) {
      await p.locator('div.ant-select[aria-label="Language"]').click();
      await p.getByTitle('简体中文').click();
      await p.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    }
    await p.getByTestId('pipeline-app').waitFor();
    await shoot(p, `pipelines-list-${suffix}`, `list (${suffix})`);
    await go(p, failedRun);
    await p.getByTestId('step-boom').waitFor();
    await p.getByRole('log').getByText('failing on purpose').waitFor();
    await shoot(p, `pipelines-execution-failed-${suffix}`, `execution (${suffix})`);
    await go(p, pipelinePath);
    await p.getByTestId('run-4').waitFor();
    await shoot(p, `pipelines-detail-${suffix}`, `pipeline (${suffix})`);
    await p.getByRole('tab', { name: opts.zh ? '设置' : 'Settings' }).click();
    await shoot(p, `pipelines-detail-settings-${suffix}`, `pipeline settings (${suffix})`);
    await go(p, `/clusters/${c}/projects/${project}/pipelines/-/new`);
    await p.getByRole('heading', { level: 1 }).waitFor();
    // A new provider, with its OAuth application's fields.
    await p.locator('input[type="radio"][value="new"]').check();
    await p.locator('input[type="password"]').waitFor();
    await shoot(p, `pipelines-wizard-${suffix}`, `wizard (${suffix})`);
    await go(p, `/clusters/${c}/projects/${project}/pipeline-settings`);
    await p.locator('form').waitFor();
    await shoot(p, `pipelines-settings-${suffix}`, `settings (${suffix})`);
    await finish(p);
  }
};
