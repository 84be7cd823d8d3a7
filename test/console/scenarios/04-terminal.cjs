// Type into a pod's terminal and read the answer.
'use strict';
const { config, newPage, login, checkA11y, screenshot, finish } = require('../lib.cjs');

exports.run = async (browser) => {
  const page = await newPage(browser);
  const c = config.cluster();
  const ns = config.namespace();
  await login(page, config.admin(), `/clusters/${c}/ns/${ns}/pods/${process.env.WH_EXEC_POD}/exec?command=sh&tty=false`);
  await page.getByTestId('exec-state').getByText('Connected').waitFor({ timeout: 30000 });
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo console-$((6*7))');
  await page.keyboard.press('Enter');
  // The local echo shows the command; the answer is the line that reads 42.
  await page.waitForFunction(() => /(^|\n)console-42(\n|$)/m.test(document.querySelector('.xterm-rows')?.innerText ?? ''), null, { timeout: 30000 });
  await checkA11y(page, 'terminal');
  await screenshot(page, 'pod-exec-light');
  await finish(page);
};
