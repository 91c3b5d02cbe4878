// Following a community on another server from the browser: two real instances on loopback
// ports; a member of B finds `@ux-design@A` by its handle, asks to join, and becomes a member
// once A's Accept arrives.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startInstance, pollUntil } from '../lib/server.mjs';
import { launch, newPage, check, visit, screenshot, printReport } from '../lib/browser.mjs';

let a;
let b;
let browser;

const PASSWORD = 'correct horse battery staple';

/** JSON API call; returns the parsed body and checks the status. */
async function api(server, method, path, body, token, expect = 200) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(server.url + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, expect, `${method} ${path}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Opens registration and creates `name` through the API; returns their token. */
async function member(server, name) {
  const admin = await api(server, 'POST', '/api/guildhall/v1/auth/login', server.admin);
  await api(server, 'PATCH', '/api/guildhall/v1/admin/settings', { registration_mode: 'open' }, admin.token);
  await api(server, 'POST', '/api/guildhall/v1/accounts', { username: name, email: `${name}@example.gc.ca`, password: PASSWORD }, null, 201);
  return (await api(server, 'POST', '/api/guildhall/v1/auth/login', { username: name, password: PASSWORD })).token;
}

before(async () => {
  // If one instance fails to start, stop the other: a server left running keeps the test
  // runner (and CI) waiting forever.
  const started = await Promise.allSettled([startInstance(), startInstance()]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
    throw failed.reason;
  }
  [a, b] = started.map((s) => s.value);
  browser = await launch();
});

after(async () => {
  printReport();
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

test('follow a community on another server by its handle and join it', async () => {
  const ada = await member(a, 'ada');
  await api(a, 'POST', '/api/guildhall/v1/communities', { name: 'ux-design', title: 'UX Design', description: 'Designers of public services.' }, ada, 201);
  await member(b, 'bea');

  const page = await newPage(browser);
  await page.goto(`${b.url}/login`);
  await page.getByLabel('Username').fill('bea');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${b.url}/`);
  await visit(page, b.url, '/communities', 'directory (before follow)');
  await page.getByLabel('Community address').fill(`@ux-design@localhost:${a.port}`);
  await page.getByRole('button', { name: 'Find community' }).click();
  await page.getByText('Here is the community.').waitFor();
  assert.equal(new URL(page.url()).pathname, `/communities/ux-design@localhost:${a.port}`);
  await page.getByRole('heading', { level: 1, name: 'UX Design' }).waitFor();
  await check(page, 'remote community');
  await page.getByRole('link', { name: 'Ask to join' }).click();
  await check(page, 'join remote community');
  await page.getByRole('button', { name: 'Ask to join' }).click();
  await page.getByText('Your request to join was sent to the moderators.').waitFor();
  await check(page, 'remote community (requested)');
  // The community's server accepts (it is public); the page shows the membership.
  await pollUntil('the Accept from the other server', 20_000, async () => {
    await page.reload();
    return page.getByText('You are a member of this community.').isVisible();
  });
  await visit(page, b.url, `/communities/ux-design@localhost:${a.port}`, 'remote community (member)');
  await screenshot(page, 'remote-community');
  // The directory now lists it as a community on another server.
  await visit(page, b.url, '/communities', 'directory (remote listed)');
  await page.getByText('on another server').first().waitFor();
  // An unknown handle is reported next to the field.
  await page.getByLabel('Community address').fill(`@nobody-here@localhost:${a.port}`);
  await page.getByRole('button', { name: 'Find community' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, 'follow error');
  await page.context().close();
});
