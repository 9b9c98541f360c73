// Xinzhi in Debian's Chromium, driven by playwright-core: every demo role signs in, sees what
// its scope allows and nothing else, switches language, and leaves screenshots behind.
//
// Needs a built `xinzhi` binary (XINZHI_BIN, default ../../target/debug/xinzhi) and
// /usr/bin/chromium. Screenshots go to ../../artifacts/screenshots (SCREENSHOT_DIR).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bin = process.env.XINZHI_BIN ?? path.join(root, 'target', 'debug', 'xinzhi');
const shots = process.env.SCREENSHOT_DIR ?? path.join(root, 'artifacts', 'screenshots');
const PASSWORD = 'xinzhi-demo';

let dataDir;
let server;
let base;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'xinzhi-browser-'));
  execFileSync(bin, ['demo', '--scale', 'small', '--data', dataDir], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, XINZHI_LOG: 'warn' } });
  server = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0', '--data', dataDir], { env: { ...process.env, XINZHI_LOG: 'warn' } });
  base = await new Promise((resolve, reject) => {
    let seen = '';
    server.stderr.on('data', (chunk) => {
      seen += chunk;
      // The whole line: stderr can arrive cut in the middle of the address.
      const match = seen.match(/Xinzhi is serving at (http:\/\/[\d.]+:\d+)\s/);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`xinzhi serve exited with ${code}: ${seen}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(username, locale = 'zh-CN', landing = '/') {
  const context = await browser.newContext({ locale, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=/, 'signed-out visitors are sent to the sign-in page');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${base}${landing}`), page.click('#login-form button[type=submit]')]);
  return { context, page };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function total(page) {
  const text = await page.textContent('#total');
  return Number(text.replace(/[^\d]/g, ''));
}

test('the system administrator sees the whole city and the accounts, not the audit log', async () => {
  const { context, page } = await signIn('admin');
  assert.equal(await page.textContent('#count-enterprises'), '300');
  await shot(page, 'admin-overview');
  await page.goto(`${base}/enterprises`);
  assert.equal(await total(page), 300);
  await shot(page, 'admin-enterprises');
  await page.click('#enterprise-list tbody tr:first-child a');
  await page.waitForSelector('#monthly-values');
  await shot(page, 'admin-enterprise-record');
  await page.goto(`${base}/chains/leather_shoes`);
  await page.waitForSelector('#chain-map');
  await shot(page, 'admin-chain-map');
  await page.click('#nav-admin');
  assert.equal(await page.locator('#users tbody tr').count(), 9, 'one demo account per role');
  assert.equal(await page.locator('#new-user').count(), 1, 'creates accounts');
  await shot(page, 'admin-users');
  const audit = await page.goto(`${base}/admin/audit`);
  assert.equal(audit.status(), 404, 'the audit log is the auditor\'s');
  await context.close();
});

test('the security administrator grants roles, the auditor alone reads the audit log, neither sees a firm', async () => {
  const security = await signIn('secadmin', 'zh-CN', '/admin/users');
  assert.equal(await security.page.locator('#new-user').count(), 0, 'creates no accounts');
  assert.equal(await security.page.locator('#nav-monitor').count(), 0, 'no business pages in the menu');
  await security.page.click('#users tbody tr a:text-is("reporter")');
  await security.page.waitForSelector('#user-form select[name=role]');
  assert.equal(await security.page.locator('#user-form input[name=display_name]').count(), 0, 'the name is the system administrator\'s');
  await shot(security.page, 'secadmin-user');
  await security.page.goto(`${base}/admin/users`);
  await security.page.click('#security-link');
  await security.page.waitForSelector('#policy-form input[name=password_max_age_days]');
  assert.equal(await security.page.locator('#fixed-rules tr').count(), 5, 'the fixed rules are listed');
  await shot(security.page, 'secadmin-security-policy');
  assert.equal((await security.page.goto(`${base}/enterprises`)).status(), 404);
  assert.equal((await security.page.goto(`${base}/admin/audit`)).status(), 404);
  await security.context.close();

  const auditor = await signIn('auditor', 'zh-CN', '/admin/audit');
  assert.ok((await auditor.page.textContent('#audit')).includes('auth.login'));
  await shot(auditor.page, 'auditor-audit');
  assert.equal((await auditor.page.goto(`${base}/admin/users`)).status(), 404);
  assert.equal((await auditor.page.goto(`${base}/monitor`)).status(), 404);
  await auditor.context.close();
});

test('city leaders and analysts see the city but not the administration', async () => {
  for (const role of ['leader', 'analyst']) {
    const { context, page } = await signIn(role);
    assert.equal(await page.textContent('#count-enterprises'), '300');
    assert.equal(await page.locator('#nav-admin').count(), 0, `${role} has no admin link`);
    const response = await page.goto(`${base}/admin/users`);
    assert.equal(response.status(), 404);
    await context.close();
  }
});

test('the district officer sees only 潇水区', async () => {
  const { context, page } = await signIn('district');
  await page.goto(`${base}/enterprises`);
  const count = await total(page);
  assert.ok(count > 0 && count < 300, `a part of the city (${count})`);
  const districts = await page.locator('#enterprise-list tbody tr td:nth-child(3)').allTextContents();
  assert.ok(districts.every((d) => d === '潇水区'), 'every row is in 潇水区');
  await shot(page, 'district-enterprises');
  await page.goto(`${base}/`);
  assert.equal(await page.textContent('#count-enterprises'), String(count));
  await shot(page, 'district-overview');
  await context.close();
});

test('the park officer sees only the park', async () => {
  const { context, page } = await signIn('park');
  await page.goto(`${base}/enterprises`);
  const parks = await page.locator('#enterprise-list tbody tr td:nth-child(4)').allTextContents();
  assert.ok(parks.length > 0 && parks.every((p) => p === '潇州经济技术开发区'));
  await shot(page, 'park-enterprises');
  await context.close();
});

test('a department handler sees no enterprise data and a reporter only its own', async () => {
  const department = await signIn('department');
  await department.page.goto(`${base}/enterprises`);
  assert.equal(await total(department.page), 0);
  await shot(department.page, 'department-enterprises');
  await department.context.close();

  const reporter = await signIn('reporter');
  await reporter.page.goto(`${base}/enterprises`);
  assert.equal(await total(reporter.page), 1);
  await reporter.page.click('#enterprise-list tbody tr:first-child a');
  await reporter.page.waitForSelector('#monthly-values');
  await shot(reporter.page, 'reporter-record');
  await reporter.context.close();
});

test('the language switch turns the interface into English and back', async () => {
  const { context, page } = await signIn('analyst');
  await page.goto(`${base}/enterprises`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.click('#lang-switch');
  await page.waitForURL(`${base}/enterprises`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('h1'), 'Enterprise directory');
  await shot(page, 'analyst-enterprises-en');
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.goto(`${base}/account`);
  await shot(page, 'analyst-account');
  await Promise.all([page.waitForURL(/\/login/), page.click('#logout')]);
  const response = await page.goto(`${base}/enterprises`);
  assert.match(page.url(), /\/login/, 'signed out');
  assert.equal(response.status(), 200);
  await context.close();
});

test('a wrong password shows the generic message', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', 'district');
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('#login-form button[type=submit]');
  assert.equal(await page.textContent('#login-error'), '用户名或密码错误，或账户已临时锁定');
  await shot(page, 'login-failed');
  await context.close();
});

test('a reporter submits the monthly form and the district approves it from the queue', async () => {
  const reporter = await signIn('reporter');
  await reporter.page.click('#nav-reports');
  const code = reporter.page.url().split('/')[4];
  await reporter.page.goto(`${base}/reports/${code}/2024-12`);
  assert.ok((await reporter.page.inputValue('#v-gross_output')).length > 0, 'the demo month is prefilled');
  await Promise.all([reporter.page.waitForURL(/done=submitted/), reporter.page.click('#submit-report')]);
  assert.equal(await reporter.page.textContent('#report-status'), '已提交');
  await shot(reporter.page, 'reporter-form-submitted');
  await reporter.context.close();

  const district = await signIn('district');
  await district.page.goto(`${base}/reports/review?period=2024-12`);
  await district.page.check(`input[name=code][value="${code}"]`);
  await shot(district.page, 'district-review-queue');
  await Promise.all([district.page.waitForURL(/\/reports\/review/), district.page.click('#bulk-approve')]);
  await district.page.goto(`${base}/reports/${code}/2024-12`);
  assert.equal(await district.page.textContent('#report-status'), '已审核');
  await district.context.close();
});

test('the district imports a month from a file: template, preview, error report, commit, then the progress board', async () => {
  const { context, page } = await signIn('district');
  await page.goto(`${base}/enterprises`);
  const codes = await page.locator('#enterprise-list tbody tr td.code').allTextContents();
  assert.ok(codes.length >= 2);

  await page.goto(`${base}/reports/review`);
  await page.click('#import-link');
  assert.match(page.url(), /\/reports\/import$/);
  const [template] = await Promise.all([page.waitForEvent('download'), page.click('#template-link')]);
  assert.match(template.suggestedFilename(), /\.xlsx$/);
  const templatePath = await template.path();
  assert.ok(templatePath, 'the template downloads');

  // One good row (a code typed with spaces and in lower case, 元 in the header) and one bad cell.
  const messy = codes[0].toLowerCase().replace(/(.{6})/, '$1 ');
  const csv = `潇水区月报\n统一社会信用代码,工业总产值(元),工业销售产值(元)\n${messy},"12,000,000",11500000\n${codes[1]},abc,100\n`;
  await page.fill('input[name=period]', '2024-11');
  await page.setInputFiles('#upload-file', { name: '潇水区11月.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForURL(/\/reports\/import\/[\w-]+$/), page.click('#upload-submit')]);
  assert.ok(await page.isVisible('#preview-title'), 'a preview first');
  assert.equal(await page.textContent('#count-rejected'), '1');
  assert.equal(await page.textContent('#count-written'), '1');
  assert.match(await page.textContent('#import-problems'), /第4行 B列（工业总产值\(元\)）：“abc”不是数字/);
  await shot(page, 'district-import-preview');

  const [errors] = await Promise.all([page.waitForEvent('download'), page.click('#errors-link')]);
  assert.match(errors.suggestedFilename(), /错误报告\.xlsx$/);

  await page.click('#commit-valid');
  await page.waitForSelector('#import-done');
  await shot(page, 'district-import-done');
  await page.goto(`${base}/reports/${codes[0]}/2024-11`);
  assert.equal(await page.inputValue('#v-gross_output'), '1200', '12,000,000 元 is 1,200 万元');
  assert.equal(await page.textContent('#report-status'), '已提交');

  await page.goto(`${base}/reports/completion?period=2024-11`);
  const due = Number(await page.textContent('#count-due'));
  const late = Number(await page.textContent('#count-late'));
  const missing = Number(await page.textContent('#count-missing'));
  assert.ok(due > 0 && late >= 1 && late + missing <= due, `due ${due}, late ${late}, missing ${missing}`);
  const [urge] = await Promise.all([page.waitForEvent('download'), page.click('#urge-export')]);
  assert.match(urge.suggestedFilename(), /\.xlsx$/);
  await shot(page, 'district-completion');
  await context.close();
});

test('the leader reads the cockpit, follows a figure to its firms, and a district officer sees its own', async () => {
  const { context, page } = await signIn('leader');
  await page.click('#nav-monitor');
  await page.waitForSelector('#headline-gross_output');
  assert.match(await page.textContent('h1'), /运行监测驾驶舱/);
  assert.match(await page.textContent('#headline-gross_output .growth'), /同比(增长|下降)\d+\.\d%|同比持平/);
  // The charts are drawn with Chinese labels, and every value has a tooltip.
  const labels = await page.locator('#by-district svg text.label').allTextContents();
  assert.ok(labels.length >= 8 && labels.every((l) => /[\u4e00-\u9fff]/.test(l)), `district labels ${labels}`);
  assert.ok((await page.locator('#trend svg circle title').count()) >= 12, 'a tooltip per month');
  const box = await page.locator('#by-district svg text.label').first().boundingBox();
  assert.ok(box && box.width > 20, 'the CJK label is drawn with a width');
  await shot(page, 'leader-cockpit');
  // The district's 1—N月 figure leads to its firms, whose total is the same figure.
  const row = page.locator('#by-district tbody tr:first-child td:nth-child(3) a');
  const figure = (await row.textContent()).trim();
  await row.click();
  await page.waitForSelector('#firms');
  assert.equal((await page.textContent('#firms-total')).trim(), figure);
  assert.ok((await page.locator('#firms tbody tr').count()) > 0);
  await shot(page, 'leader-cockpit-firms');
  // Print keeps the figures and drops the form.
  await page.goto(`${base}/monitor`);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#cockpit-form').isVisible(), false);
  assert.equal(await page.locator('#headline').isVisible(), true);
  await context.close();

  const district = await signIn('district');
  await district.page.goto(`${base}/monitor`);
  assert.match(await district.page.textContent('h1'), /潇水区/);
  assert.equal(await district.page.locator('#by-district').count(), 0, 'no district breakdown inside a district');
  await shot(district.page, 'district-cockpit');
  await district.context.close();

  const reporter = await signIn('reporter');
  const refused = await reporter.page.goto(`${base}/monitor`);
  assert.equal(refused.status(), 404);
  await reporter.context.close();
});

test('the analyst sets a target in the form and the cockpit lights it', async () => {
  const { context, page } = await signIn('analyst');
  await page.goto(`${base}/monitor/targets?year=2024`);
  await page.fill('#target-form input[name=year]', '2024');
  await page.selectOption('#target-form select[name=unit]', 'city');
  await page.selectOption('#target-form select[name=metric]', 'gross_output');
  await page.selectOption('#target-form select[name=kind]', 'growth');
  await page.fill('#target-form input[name=value]', '9');
  await Promise.all([page.waitForURL(/done=1/), page.click('#target-save')]);
  assert.equal(await page.locator('#targets-table tbody tr').count(), 1);
  await shot(page, 'analyst-targets');
  await page.goto(`${base}/monitor`);
  const light = await page.locator('#targets .light').first().getAttribute('class');
  assert.match(light, /light (green|yellow|red)/);
  await context.close();
});

test('the analyst runs the 亩均 evaluation, a firm objects in the window, the analyst upholds it and makes it final', async () => {
  const analyst = await signIn('analyst');
  const reporter = await signIn('reporter');
  let runUrl;
  // Run each group until one rates the reporter's firm (its objection form appears).
  for (const group of ['above_scale', 'below_scale']) {
    await analyst.page.goto(`${base}/cultivation/mu`);
    await analyst.page.fill('#mu-run-form input[name=year]', '2024');
    await analyst.page.selectOption('#mu-run-form select[name=group]', group);
    await Promise.all([analyst.page.waitForURL(/\/cultivation\/mu\/\d+$/), analyst.page.click('#mu-run-create')]);
    const a = Number((await analyst.page.textContent('#class-A')).replace(/[^\d]/g, ''));
    const d = Number((await analyst.page.textContent('#class-D')).replace(/[^\d]/g, ''));
    assert.ok(a > 0 && d > 0, `classes A ${a}, D ${d}`);
    await Promise.all([analyst.page.waitForURL(/done=/), analyst.page.click('#mu-publish')]);
    assert.equal((await analyst.page.textContent('#mu-status')).trim(), '公示中');
    const url = analyst.page.url().replace(/\?.*$/, '');
    await reporter.page.goto(url);
    if ((await reporter.page.locator('#mu-objection-form').count()) > 0) {
      runUrl = url;
      break;
    }
  }
  assert.ok(runUrl, 'one of the groups rates the reporter firm');
  await shot(analyst.page, 'analyst-mu-run');
  await reporter.page.fill('#mu-objection-form textarea[name=reason]', '用地面积含代征道路，应按实际使用面积计算');
  await Promise.all([reporter.page.waitForURL(/done=/), reporter.page.click('#mu-object')]);
  assert.equal(await reporter.page.locator('#mu-objections tbody tr').count(), 1);

  // Final is refused while the objection is open; upheld, then final.
  await analyst.page.goto(runUrl);
  await analyst.page.click('#mu-finalize');
  await analyst.page.waitForSelector('#mu-problem');
  assert.match(await analyst.page.textContent('#mu-problem'), /异议/);
  await analyst.page.goto(runUrl);
  await analyst.page.fill('#mu-objections input[name=response]', '已核实，按实际用地重新计分');
  await Promise.all([analyst.page.waitForURL(/done=/), analyst.page.click('#mu-objections button[value=true]')]);
  await Promise.all([analyst.page.waitForURL(/done=/), analyst.page.click('#mu-finalize')]);
  assert.equal((await analyst.page.textContent('#mu-status')).trim(), '已定稿');
  await analyst.context.close();
  await reporter.context.close();
});

test('the pools, the 小升规 pipeline and the commendation lists open from the cultivation page', async () => {
  const { context, page } = await signIn('district');
  await page.goto(`${base}/cultivation`);
  await page.click('#pool-links a >> nth=1');
  await page.waitForSelector('#pool tbody tr');
  const gap = await page.locator('#pool .gap').first().textContent();
  assert.match(gap, /[<>≤≥]|无数据/, `a gap names its figure: ${gap}`);
  await shot(page, 'district-pool');
  await page.goto(`${base}/cultivation`);
  await Promise.all([page.waitForURL(/promotion/), page.click('#promotion-link')]);
  const first = page.locator('#promotion-pool tbody tr').first();
  await first.locator('select[name=state]').selectOption('pool');
  await Promise.all([page.waitForURL(/promotion/), first.locator('button').click()]);
  assert.equal((await page.locator('#promotion-pool tbody tr').first().locator('.case-state').textContent()).trim(), '培育库');
  await shot(page, 'district-promotion');
  await page.goto(`${base}/cultivation/commendations`);
  assert.ok((await page.locator('table.award').count()) === 4);
  await context.close();
});

test('an overdue task reminds the district in its inbox, which reports it done and clears the supervision list', async () => {
  const analyst = await signIn('analyst');
  await analyst.page.goto(`${base}/tasks`);
  await analyst.page.fill('#action-form input[name=name]', '工业投资攻坚行动');
  await analyst.page.fill('#action-form input[name=year]', '2026');
  await Promise.all([analyst.page.waitForURL(`${base}/tasks`), analyst.page.click('#action-save')]);
  const yesterday = new Date(Date.now() + 8 * 3600 * 1000 - 86400 * 1000).toISOString().slice(0, 10);
  await analyst.page.fill('#task-form input[name=title]', '重点项目用地报批');
  await analyst.page.fill('#task-form input[name=lead]', '436002');
  await analyst.page.fill('#task-form input[name=cooperating]', '市自然资源和规划局，市发展和改革委员会');
  await analyst.page.fill('#task-form input[name=deadline]', yesterday);
  await Promise.all([analyst.page.waitForURL(`${base}/tasks`), analyst.page.click('#task-save')]);
  assert.match(await analyst.page.textContent('table.tasks'), /逾期未完成/);
  await analyst.context.close();

  const { context, page } = await signIn('district');
  await page.click('#nav-tasks');
  await page.click('#inbox-link');
  const reminder = page.locator('#inbox a').first();
  assert.match(await reminder.textContent(), /重点项目用地报批.*逾期未完成/);
  await shot(page, 'district-inbox');
  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), reminder.click()]);
  await page.fill('#progress-form textarea[name=text]', '用地批复已下达，项目具备开工条件');
  await page.fill('#progress-form input[name=percent]', '100');
  await page.setInputFiles('#progress-file', {
    name: '用地批复.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4 用地批复'),
  });
  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.click('#progress-save')]);
  assert.equal((await page.textContent('#task-percent')).trim(), '100%');
  assert.match(await page.textContent('#task-files'), /用地批复\.pdf/);
  await page.waitForSelector('#task-done');
  await page.goto(`${base}/tasks/supervision`);
  await page.waitForSelector('#no-supervision');
  await context.close();
});

test('the analyst drafts a briefing whose figures lead to their sources, and reads a peer report into the peer table', async () => {
  const { context, page } = await signIn('analyst');
  await page.goto(`${base}/briefings`);
  await page.fill('#draft-form input[name=month]', '2024-06');
  await Promise.all([page.waitForURL(/\/briefings\/\d+$/), page.click('#draft-submit')]);
  const first = page.locator('#briefing-body a.figure').first();
  assert.match(await first.textContent(), /^(增长|下降)\d/);
  await first.click();
  assert.match(page.url(), /#f1$/);
  const source = page.locator('#briefing-sources tr#f1');
  assert.match(await source.textContent(), /同口径/);
  assert.match(await source.textContent(), /报表已审核/);
  await shot(page, 'analyst-briefing');
  // The firms behind the figure.
  await Promise.all([page.waitForURL(/\/monitor\/firms\?/), source.locator('a.firms-link').click()]);
  await page.goBack();
  const word = await page.request.get(`${base}${await page.getAttribute('#docx-link', 'href')}`);
  assert.equal(word.status(), 200);
  assert.match(word.headers()['content-type'], /wordprocessingml/);

  await page.goto(`${base}/benchmark`);
  await page.fill('#benchmark-form textarea[name=text]',
    '1月4日,南通召开全市新型工业化推进大会。市委书记吴新明出席会议并讲话,市委副书记、市长张彤主持会议。南通市2023年规上工业增加值增长8.2%,新增规上工业企业850家。');
  await Promise.all([page.waitForURL(/\/benchmark\/\d+$/), page.click('#benchmark-submit')]);
  assert.equal((await page.textContent('#report-region')).trim(), '南通市');
  assert.match(await page.textContent('#report-officials'), /吴新明/);
  const rows = page.locator('#report-facts tbody tr');
  assert.equal(await rows.count(), 2);
  await shot(page, 'analyst-peer-report');
  // The second figure is wrong: corrected by hand, it enters the table as corrected.
  await rows.nth(1).locator('input[name=value]').fill('851');
  await Promise.all([page.waitForURL(/\/benchmark\/\d+$/), rows.nth(1).locator('button:not([name])').click()]);
  await page.goto(`${base}/benchmark`);
  const table = await page.textContent('#peer-table');
  assert.match(table, /南通市/);
  assert.match(table, /851家/);
  await context.close();
});
