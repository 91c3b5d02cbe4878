// The main journeys in the browser, in English and French, with axe-core on every page.
// One real `guildhall serve` (temporary SQLite database) serves the whole file; the steps
// run in order and build on each other.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startInstance } from '../lib/server.mjs';
import { launch, newPage, check, visit, screenshot, printReport } from '../lib/browser.mjs';

let server;
let browser;
let alice;
let bob;
let admin;
let discussionPath;
let eventPath;
let wikiPath;

const PASSWORD = 'correct horse battery staple';

before(async () => {
  server = await startInstance();
  browser = await launch();
});

after(async () => {
  printReport();
  await browser?.close();
  await server?.stop();
});

async function signUp(page, username, name) {
  await page.goto(`${server.url}/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email address').fill(`${username}@example.gc.ca`);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${server.url}/?done=registered`);
  await assert.doesNotReject(page.getByText('Your account was created').waitFor());
}

test('signed-out pages', async () => {
  const page = await newPage(browser);
  await visit(page, server.url, '/', 'home (signed out)');
  await visit(page, server.url, '/communities', 'directory (signed out)');
  await visit(page, server.url, '/search?q=design', 'search (signed out)');
  // A bad value answers 400 with the form and its error: axe checks that page too.
  await page.goto(`${server.url}/search?q=design&kind=discussion&since=2026-13-01`);
  await check(page, 'search with a bad date');
  await visit(page, server.url, '/login', 'sign in');
  // The pages emailed links open (email is off here: they say so).
  await visit(page, server.url, '/email/resend', 'new confirmation link');
  await visit(page, server.url, '/email/cancel?token=x', 'call off a change of address');
  await page.close();
});

test('an administrator opens registration', async () => {
  admin = await newPage(browser);
  await admin.goto(`${server.url}/login`);
  await check(admin, 'sign in (admin)');
  await admin.getByLabel('Username').fill(server.admin.username);
  await admin.getByLabel('Password').fill(server.admin.password);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL(`${server.url}/`);
  await admin.getByRole('link', { name: 'Administration' }).click();
  await check(admin, 'admin: registration');
  await admin.getByLabel('Anyone can create an account.').check();
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Your changes were saved.').waitFor();
  await check(admin, 'admin: registration saved');
});

test('sign up, after fixing the errors the summary lists', async () => {
  alice = await newPage(browser);
  await visit(alice, server.url, '/signup', 'sign up');
  await alice.getByRole('button', { name: 'Create account' }).click();
  await alice.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.match(await alice.title(), /^Error:/);
  await check(alice, 'sign up with errors');
  await screenshot(alice, 'sign-up-errors');
  // The summary links to the field.
  await alice.getByRole('link', { name: /Enter between 3 and 30 characters/ }).click();
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'username');
  await signUp(alice, 'alice', 'Alice Tremblay');
  await check(alice, 'home (new member)');
});

test('create a community', async () => {
  await alice.getByRole('link', { name: 'Create a community' }).click();
  await check(alice, 'create community');
  await alice.getByLabel('Community name').fill('ux-design');
  await alice.getByLabel('Title').fill('UX Design');
  await alice.getByLabel('Description').fill('Designers of **public services** sharing what works.');
  await alice.getByLabel('Charter', { exact: true }).fill('1. Be kind.\n2. Share what you learn.');
  await alice.getByLabel('Welcome message for newcomers').fill('Welcome! Say hello in the *Introductions* thread.');
  await alice.getByLabel('Topics').fill('design, accessibility');
  await alice.getByRole('button', { name: 'Create a community' }).click();
  await alice.waitForURL(/\/communities\/ux-design\?done=created$/);
  await alice.getByRole('heading', { level: 1, name: 'UX Design' }).waitFor();
  await check(alice, 'community (moderator)');
});

test('join from a second account, accepting the charter', async () => {
  bob = await newPage(browser);
  await signUp(bob, 'bob', 'Bob Gagnon');
  await visit(bob, server.url, '/communities?q=design', 'directory search');
  await screenshot(bob, 'directory');
  await bob.getByRole('link', { name: 'UX Design' }).click();
  await check(bob, 'community (non-member)');
  await bob.getByRole('link', { name: 'Join this community' }).click();
  await check(bob, 'join');
  await bob.getByRole('button', { name: 'Join this community' }).click();
  await bob.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(bob, 'join with errors');
  await bob.getByLabel('I have read the charter and agree to follow it').check();
  await bob.getByRole('button', { name: 'Join this community' }).click();
  await bob.getByText('You joined the community.').waitFor();
  await bob.getByRole('heading', { name: 'Welcome' }).waitFor();
  await check(bob, 'community (new member)');
});

test('start a discussion', async () => {
  await bob.getByRole('link', { name: 'Start a discussion' }).click();
  await check(bob, 'new discussion');
  await bob.getByLabel('Title').fill('Plain language in error messages');
  await bob.getByLabel('Message').fill('How do you word **error messages** so that everyone understands them?');
  await bob.getByRole('button', { name: 'Post discussion' }).click();
  await bob.getByText('Your discussion was posted.').waitFor();
  discussionPath = new URL(bob.url()).pathname;
  assert.match(discussionPath, /^\/discussions\/\d+$/);
  await check(bob, 'discussion');
});

test('reply using the keyboard only', async () => {
  await alice.goto(server.url + discussionPath);
  await check(alice, 'discussion (moderator)');
  // Tab from the top of the page to the reply box; every stop must show a focus indicator.
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await alice.keyboard.press('Tab');
    const focus = await alice.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id, tag: el.tagName, outline: style.outlineStyle, shadow: style.boxShadow };
    });
    assert.ok(focus.outline !== 'none' || focus.shadow !== 'none', `no visible focus on ${focus.tag}#${focus.id}`);
    reached = focus.id === 'body';
  }
  assert.ok(reached, 'the reply box can be reached with Tab');
  await alice.keyboard.type('Start with what happened, then say how to fix it.');
  // The optional content warning comes next, then the button.
  await alice.keyboard.press('Tab');
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'content_warning');
  await alice.keyboard.press('Tab');
  assert.equal(await alice.evaluate(() => document.activeElement.textContent.trim()), 'Post reply');
  await alice.keyboard.press('Enter');
  await alice.getByText('Your reply was posted.').waitFor();
  assert.match(alice.url(), /#reply-\d+$/);
  await alice.getByText('Start with what happened, then say how to fix it.').waitFor();
  await check(alice, 'discussion after reply');
});

test('nested reply, vote, pin', async () => {
  await bob.goto(server.url + discussionPath);
  await bob.getByRole('link', { name: 'Reply Reply by Alice Tremblay' }).click();
  await bob.getByRole('heading', { name: 'Reply to Alice Tremblay' }).waitFor();
  await check(bob, 'nested reply form');
  await bob.getByLabel('Your reply').fill('Thanks, that helps.');
  await bob.getByRole('button', { name: 'Post reply' }).click();
  await bob.getByText('Your reply was posted.').waitFor();
  // Bob's reply sits in a list inside Alice's reply.
  const nested = await bob.evaluate(() => {
    const mine = [...document.querySelectorAll('li.reply')].filter((li) => li.textContent.includes('Thanks, that helps.')).pop();
    return mine?.parentElement.closest('li.reply')?.textContent.includes('Start with what happened') ?? false;
  });
  assert.ok(nested, 'the answer to a reply is nested under it');
  await bob.getByRole('button', { name: 'Upvote the discussion' }).click();
  await bob.getByText('Your vote was recorded.').waitFor();
  await bob.locator('#discussion .score').getByText('1 point').waitFor();
  const pressed = await bob.getByRole('button', { name: 'Upvote the discussion' }).getAttribute('aria-pressed');
  assert.equal(pressed, 'true', 'the upvote shows as pressed');
  await check(bob, 'discussion after vote');
  await screenshot(bob, 'discussion');
  // Deleting asks first.
  await bob.getByRole('button', { name: 'Post reply' }).waitFor();
  await bob.getByLabel('Your reply').fill('A reply I will take back.');
  await bob.getByRole('button', { name: 'Post reply' }).click();
  await bob.getByText('Your reply was posted.').waitFor();
  await bob.getByRole('link', { name: 'Delete Reply by Bob Gagnon' }).last().click();
  await bob.getByRole('heading', { name: 'Delete this post?' }).waitFor();
  await check(bob, 'confirm delete');
  await bob.getByRole('button', { name: 'Yes, delete it' }).click();
  await bob.getByText('The post was deleted.').waitFor();

  await alice.goto(server.url + discussionPath);
  await alice.getByRole('button', { name: 'Pin' }).click();
  await alice.getByText('The discussion was pinned.').waitFor();
  await check(alice, 'discussion pinned');
  // Only the author may edit: others get a refusal page (accessible too).
  const refused = await alice.goto(`${server.url}${discussionPath}/edit`);
  assert.equal(refused.status(), 403);
  await alice.getByRole('heading', { name: 'You cannot do that' }).waitFor();
  await check(alice, 'edit refused (403)');
});

test('profile and account pages', async () => {
  await visit(bob, server.url, '/people/alice', 'profile');
  await visit(bob, server.url, `${discussionPath}/edit`, 'edit discussion');
  await visit(bob, server.url, '/account', 'account');
});

test('create an event, with a field error first', async () => {
  await visit(alice, server.url, '/communities/ux-design/events', 'events (moderator)');
  await alice.getByRole('link', { name: 'Create an event' }).click();
  await check(alice, 'new event');
  await alice.getByLabel('Title').fill('Design crit night');
  await alice.getByLabel('Description').fill('Bring **sketches** of forms you are working on.');
  await alice.getByLabel('Starts').fill('2030-03-10T18:30');
  await alice.getByLabel('Ends').fill('2030-03-10T17:00');
  await alice.getByLabel('Time zone').fill('America/Toronto');
  await alice.getByLabel('Place', { exact: true }).fill('Room 4, 90 Elgin');
  await alice.getByLabel('Address').fill('90 Elgin St, Ottawa ON');
  await alice.getByLabel('Link to join online').fill('https://meet.example.gc.ca/crit');
  await alice.getByLabel('Number of places').fill('12');
  await alice.getByRole('button', { name: 'Create an event' }).click();
  await alice.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(alice, 'new event with errors');
  await alice.getByRole('link', { name: 'The end must be after the start' }).click();
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'ends_at');
  await alice.getByLabel('Ends').fill('2030-03-10T20:00');
  await alice.getByRole('button', { name: 'Create an event' }).click();
  await alice.getByText('Your event was created.').waitFor();
  eventPath = new URL(alice.url()).pathname;
  assert.match(eventPath, /^\/events\/\d+$/);
  await alice.getByText('time zone America/Toronto').waitFor();
  await check(alice, 'event (organiser)');
  await visit(alice, server.url, `${eventPath}/edit`, 'edit event');
  await screenshot(alice, 'event-form');
});

test('RSVP from the second account', async () => {
  await visit(bob, server.url, '/communities/ux-design/events', 'events (member)');
  await screenshot(bob, 'events');
  await bob.getByRole('link', { name: 'Design crit night' }).click();
  await check(bob, 'event (member)');
  await bob.getByRole('button', { name: 'I am going' }).click();
  await bob.getByRole('button', { name: 'I am not going' }).waitFor();
  await check(bob, 'event (going)');
  await screenshot(bob, 'event');
  await visit(bob, server.url, '/', 'home (my upcoming events)');
  await bob.getByRole('link', { name: 'Design crit night' }).waitFor();
  await visit(alice, server.url, eventPath, 'event (organiser, attendees)');
  await alice.getByRole('cell', { name: 'Bob Gagnon (bob)', exact: true }).waitFor();
  await visit(bob, server.url, '/account', 'account');
  await bob.getByRole('button', { name: 'Make a new private address' }).click();
  await bob.getByLabel('Your private calendar address').waitFor();
  assert.match(await bob.getByLabel('Your private calendar address').inputValue(), /\/api\/guildhall\/v1\/calendar\/.+\/events\.ics$/);
  await check(bob, 'account (calendar address)');
});

test('vote in a poll', async () => {
  await visit(alice, server.url, '/communities/ux-design/new', 'new discussion (poll fields)');
  await alice.getByLabel('Title').fill('Which day for the next meetup?');
  await alice.getByLabel('Message').fill('Pick the days that suit you.');
  await alice.getByLabel('Options').fill('Tuesday\nWednesday\nThursday');
  await alice.getByLabel('Several choices allowed').check();
  await alice.getByRole('button', { name: 'Post discussion' }).click();
  await alice.getByText('Your discussion was posted.').waitFor();
  const pollPath = new URL(alice.url()).pathname;
  await check(alice, 'discussion with a poll');
  await bob.goto(server.url + pollPath);
  await bob.getByLabel('Tuesday').check();
  await bob.getByLabel('Thursday').check();
  await bob.getByRole('button', { name: 'Vote', exact: true }).click();
  await bob.getByRole('button', { name: 'Change my vote' }).waitFor();
  await bob.getByText('1 person voted').waitFor();
  await check(bob, 'discussion with a poll (voted)');
  await screenshot(bob, 'poll');
});

test('write and edit a wiki page, with a preview', async () => {
  await visit(alice, server.url, '/communities/ux-design/wiki', 'wiki (empty)');
  await alice.getByRole('link', { name: 'New wiki page' }).click();
  await check(alice, 'new wiki page');
  await alice.getByLabel('Title').fill('Style guide');
  await alice.getByLabel('Text', { exact: true }).fill('Use **plain** words.\n\nSee [[Error messages]].');
  await alice.getByRole('button', { name: 'Preview' }).click();
  await alice.getByRole('heading', { name: 'Preview' }).waitFor();
  await check(alice, 'new wiki page (preview)');
  await alice.getByRole('button', { name: 'Save the page' }).click();
  await alice.getByText('Your changes were saved.').waitFor();
  wikiPath = new URL(alice.url()).pathname;
  await check(alice, 'wiki page');
  await bob.goto(server.url + wikiPath);
  await bob.getByRole('link', { name: 'Edit this page' }).click();
  await check(bob, 'edit wiki page');
  await bob.getByLabel('Text', { exact: true }).fill('Use **plain** words.\n\nNo jargon.\n\nSee [[Error messages]].');
  await bob.getByLabel('What changed').fill('No jargon');
  await bob.getByRole('button', { name: 'Save the page' }).click();
  await bob.getByText('Revision 2').waitFor();
  await screenshot(bob, 'wiki');
  await bob.getByRole('link', { name: 'History' }).click();
  await check(bob, 'wiki history');
  await bob.getByRole('link', { name: /Changes/ }).click();
  await bob.locator('ins.diff-line').first().waitFor();
  await check(bob, 'wiki diff');
  await screenshot(bob, 'wiki-diff');
});

test('moderator views', async () => {
  await visit(alice, server.url, '/communities/ux-design', 'community (moderator view)');
  await screenshot(alice, 'community');
  await visit(alice, server.url, '/communities/ux-design/members', 'members');
  await screenshot(alice, 'members');
  await visit(alice, server.url, '/communities/ux-design/requests', 'join requests');
  await visit(alice, server.url, '/communities/ux-design/bans', 'bans');
  await visit(alice, server.url, '/communities/ux-design/settings', 'community settings');
  await visit(alice, server.url, '/', 'home (member)');
  await screenshot(alice, 'home');
});

test('guilds: create one and bring a community in', async () => {
  await alice.getByRole('link', { name: 'Guilds', exact: true }).click();
  await check(alice, 'guilds');
  await alice.getByRole('link', { name: 'Create a guild' }).click();
  await alice.getByLabel('Guild name').fill('design-guild');
  await alice.getByLabel('Title').fill('Design Guild');
  await alice.getByRole('button', { name: 'Create a guild' }).click();
  await alice.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(alice, 'create guild with errors');
  await alice.getByLabel('Role', { exact: true }).check();
  await alice.getByRole('button', { name: 'Create a guild' }).click();
  await alice.getByRole('heading', { level: 1, name: 'Design Guild' }).waitFor();
  await alice.getByLabel('Community name or address').fill('ux-design');
  await alice.getByRole('button', { name: 'Invite', exact: true }).click();
  await alice.getByText('Invited', { exact: true }).waitFor();
  await check(alice, 'guild (steward)');
  await alice.goto(`${server.url}/communities/ux-design`);
  await alice.getByRole('button', { name: /^Accept/ }).click();
  await alice.getByRole('link', { name: 'Design Guild' }).first().click();
  await alice.getByRole('link', { name: 'ux-design', exact: true }).waitFor();
  await check(alice, 'guild with a member');
  await visit(bob, server.url, '/guilds/design-guild', 'guild (visitor)');
  await visit(bob, server.url, '/guilds', 'guilds (with one)');
});

test('network map: a proposal, its approval and the map', async () => {
  await visit(admin, server.url, '/admin/map', 'admin: directory and map');
  await admin.locator('#organisation').fill('Canadian Digital Service');
  await admin.locator('#government').fill('Canada');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Your changes were saved.').waitFor();
  await check(admin, 'admin: directory and map saved');
  await visit(bob, server.url, '/map', 'map');
  await bob.locator('#name').fill('Data Slack');
  await bob.locator('#url').fill('not a web address');
  await bob.getByRole('button', { name: 'Send the proposal' }).click();
  await bob.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(bob, 'map: proposal with errors');
  await bob.locator('#url').fill('https://data-community.slack.example/');
  await bob.locator('#topics').fill('data, analytics');
  await bob.locator('#summary').fill('Data people across departments');
  await bob.getByRole('button', { name: 'Send the proposal' }).click();
  await bob.getByText('An administrator will review your proposal').waitFor();
  await visit(admin, server.url, '/admin/map', 'admin: a proposal to decide');
  await admin.getByRole('button', { name: /^Approve/ }).click();
  await admin.locator('#proposals-heading').waitFor();
  await visit(bob, server.url, '/map', 'map with a guild and an external community');
  await bob.getByRole('link', { name: 'Data Slack' }).waitFor();
  await screenshot(bob, 'map');
  await visit(bob, server.url, '/map?kind=guild&active=on', 'map filtered');
});

test('admin views', async () => {
  await visit(admin, server.url, '/admin', 'admin: registration');
  await admin.getByLabel('Email domains allowed to register (optional)').fill('*.gc.ca\n*.canada.ca');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Your changes were saved.').waitFor();
  await check(admin, 'admin: allowlist saved');
  await screenshot(admin, 'admin-registration');
  await visit(admin, server.url, '/admin/federation', 'admin: federation');
  await admin.getByLabel('All except blocked servers').check();
  await admin.getByLabel('Servers for the blocklist or allowlist').fill('spam.example');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Your changes were saved.').waitFor();
  await check(admin, 'admin: federation saved');
  await screenshot(admin, 'admin-federation');
  await visit(admin, server.url, '/admin/instances', 'admin: delivery health');
  await screenshot(admin, 'admin-instances');
});

test('switch to French', async () => {
  await bob.goto(`${server.url}/communities/ux-design`);
  await bob.getByRole('button', { name: 'Français' }).click();
  await bob.waitForURL(`${server.url}/communities/ux-design`);
  assert.equal(await bob.evaluate(() => document.documentElement.lang), 'fr');
  await bob.getByRole('link', { name: 'Lancer une discussion' }).waitFor();
  await check(bob, 'community (fr)');
  await screenshot(bob, 'community-fr');
  await visit(bob, server.url, '/', 'home (fr)');
  await visit(bob, server.url, discussionPath, 'discussion (fr)');
  await bob.getByText('Publier la réponse').waitFor();
  await visit(bob, server.url, eventPath, 'event (fr)');
  await bob.getByText('fuseau horaire America/Toronto').waitFor();
  await visit(bob, server.url, '/communities/ux-design/events', 'events (fr)');
  await visit(bob, server.url, wikiPath, 'wiki page (fr)');
  await visit(bob, server.url, `${wikiPath}/edit`, 'edit wiki page (fr)');
  await visit(bob, server.url, '/communities', 'directory (fr)');
  await visit(bob, server.url, '/search?q=design&network=true', 'search (fr)');
  await visit(bob, server.url, '/account', 'account (fr)');
  // The choice is the account's setting now: it follows Bob to a new browser.
  const other = await newPage(browser, 'en-CA');
  await other.goto(`${server.url}/login`);
  await other.getByLabel('Username').fill('bob');
  await other.getByLabel('Password').fill(PASSWORD);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.getByRole('heading', { name: 'Vos communautés et leur activité' }).waitFor();
  await other.context().close();
});

test('signed-out visitors: the header switch, then the browser language', async () => {
  const en = await newPage(browser, 'en-CA');
  await en.goto(`${server.url}/communities`);
  await en.getByRole('link', { name: 'Français' }).click();
  await en.getByRole('heading', { level: 1, name: 'Communautés' }).waitFor();
  await check(en, 'directory (fr, switch)');
  await en.context().close();
  const fr = await newPage(browser, 'fr-CA');
  await visit(fr, server.url, '/login', 'sign in (fr, Accept-Language)');
  await fr.getByRole('heading', { name: 'Se connecter' }).waitFor();
  await visit(fr, server.url, '/signup', 'sign up (fr)');
  await fr.context().close();
});
