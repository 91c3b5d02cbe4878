// Debian's Chromium driven by playwright-core, with axe-core run on every page visited and
// checks that each page is small and needs no request but the stylesheet.

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = resolve(here, '..', '..', 'docs', 'screenshots');

/** Largest HTML page allowed, before compression. */
export const MAX_PAGE_BYTES = 50 * 1024;

/** WCAG 2.2 A and AA (and the earlier versions' rules they include). */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** What every visited page measured: url, bytes, axe violations. */
export const report = [];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser context (own cookies) with a page, speaking `locale`. */
export async function newPage(browser, locale = 'en-CA') {
  const context = await browser.newContext({ locale, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.requestsSeen = [];
  page.on('request', (r) => page.requestsSeen.push(r));
  return page;
}

function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '')).join('\n  ')}`)
    .join('\n');
}

/**
 * Checks the page now shown: zero axe WCAG 2.2 A/AA violations, HTML under 50 KB, and no
 * request other than the document itself, form posts and the stylesheet.
 */
export async function check(page, label) {
  const html = await page.content();
  const bytes = Buffer.byteLength(html, 'utf8');
  const others = page.requestsSeen.filter((r) => {
    const u = new URL(r.url());
    return r.resourceType() !== 'document' && u.pathname !== '/static/style.css';
  });
  page.requestsSeen = [];
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const lang = await page.evaluate(() => document.documentElement.lang);
  report.push({ label, path: new URL(page.url()).pathname, lang, bytes, violations: result.violations.length });
  assert.equal(result.violations.length, 0, `axe violations on ${label} (${page.url()}):\n${describe(result.violations)}`);
  assert.ok(bytes < MAX_PAGE_BYTES, `${label} is ${bytes} bytes, over ${MAX_PAGE_BYTES}`);
  assert.deepEqual(others.map((r) => r.url()), [], `${label} made requests besides the stylesheet`);
  assert.ok(['en', 'fr'].includes(lang), `${label} has lang="${lang}"`);
}

/** Prints what the checks measured (page, language, size, axe violations). */
export function printReport() {
  if (!report.length) return;
  console.log('\npage                          lang  bytes  axe');
  for (const r of report) {
    console.log(`${r.label.padEnd(30)}${r.lang.padEnd(6)}${String(r.bytes).padStart(6)}  ${r.violations}`);
  }
  const max = Math.max(...report.map((r) => r.bytes));
  const axe = report.reduce((a, r) => a + r.violations, 0);
  console.log(`${report.length} page checks, largest page ${max} bytes, axe violations ${axe}`);
}

/** Goes to `path` and checks the page. */
export async function visit(page, base, path, label) {
  const response = await page.goto(base + path);
  assert.ok(response.ok(), `GET ${path} answered ${response.status()}`);
  await check(page, label || path);
  return response;
}

/** Saves a screenshot when GUILDHALL_SCREENSHOTS=1 (used to refresh docs/screenshots). */
export async function screenshot(page, name) {
  if (process.env.GUILDHALL_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
