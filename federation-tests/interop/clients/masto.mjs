// Drives a Guildhall instance with masto.js (npm `masto`), one step per run, as a Mastodon
// web or mobile app built on it would. Usage: node masto.mjs STATE_FILE COMMAND [ARGS...];
// prints one JSON document. The state file keeps the app, the PKCE verifier and the token.
// The approval in the browser is done by browser.py between `authorize` and `token`.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient } from 'masto';
import WebSocket from 'ws';

const REDIRECT = 'http://localhost/guildhall-conformance/masto';
const SCOPES = 'read write follow push';

const [statePath, command, ...args] = process.argv.slice(2);
const load = () => JSON.parse(readFileSync(statePath, 'utf8'));
const save = (s) => writeFileSync(statePath, JSON.stringify(s));
const rest = (s) => createRestAPIClient({ url: s.base, accessToken: s.token });
const brief = (s) => ({
  id: s.id, content: s.content, acct: s.account.acct, inReplyToId: s.inReplyToId ?? null,
  favourited: s.favourited ?? null, favouritesCount: s.favouritesCount, visibility: s.visibility,
  poll: s.poll ?? null,
});

async function run() {
  switch (command) {
    case 'authorize': {
      const [base] = args;
      const masto = createRestAPIClient({ url: base });
      const app = await masto.v1.apps.create({
        clientName: 'Guildhall conformance (masto.js)', redirectUris: REDIRECT, scopes: SCOPES,
        website: 'https://example.org/conformance',
      });
      const verifier = randomBytes(48).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(12).toString('base64url');
      save({ base, clientId: app.clientId, clientSecret: app.clientSecret, verifier, state });
      const q = new URLSearchParams({
        response_type: 'code', client_id: app.clientId, redirect_uri: REDIRECT, scope: SCOPES, state,
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      return { url: `${base}/oauth/authorize?${q}`, app: { name: app.name, scopes: app.scopes ?? null } };
    }
    case 'token': {
      const [code, state] = args;
      const s = load();
      if (state !== s.state) throw new Error(`state came back as ${state}`);
      const oauth = createOAuthAPIClient({ url: s.base });
      const token = await oauth.token.create({
        grantType: 'authorization_code', clientId: s.clientId, clientSecret: s.clientSecret,
        redirectUri: REDIRECT, code, codeVerifier: s.verifier, scope: SCOPES,
      });
      s.token = token.accessToken;
      save(s);
      const me = await rest(s).v1.accounts.verifyCredentials();
      return { tokenType: token.tokenType, scope: token.scope, account: { id: me.id, acct: me.acct, source: me.source ?? null } };
    }
    case 'home': {
      const items = await rest(load()).v1.timelines.home.list({ limit: 20 });
      return items.map(brief);
    }
    case 'post': {
      const status = await rest(load()).v1.statuses.create({ status: args[0] });
      return brief(status);
    }
    case 'reply': {
      const status = await rest(load()).v1.statuses.create({ status: args[1], inReplyToId: args[0] });
      return brief(status);
    }
    case 'favourite': {
      return brief(await rest(load()).v1.statuses.$select(args[0]).favourite());
    }
    case 'vote': {
      const poll = await rest(load()).v1.polls.$select(args[0]).votes.create({ choices: args.slice(1).map(Number) });
      return poll;
    }
    case 'notifications': {
      const items = await rest(load()).v1.notifications.list();
      return items.map((n) => ({ id: n.id, type: n.type, acct: n.account.acct, status: n.status?.id ?? null }));
    }
    case 'follow': {
      const masto = rest(load());
      const found = await masto.v2.search.list({ q: args[0], resolve: true, type: 'accounts' });
      const group = found.accounts.find((a) => a.acct === args[0].replace(/^@/, ''));
      if (!group) throw new Error(`search found ${JSON.stringify(found.accounts)}`);
      const rel = await masto.v1.accounts.$select(group.id).follow();
      return { account: { id: group.id, acct: group.acct, group: group.group }, relationship: rel };
    }
    case 'stream': {
      // The user stream over a WebSocket: the first `kind` event (`update` or `notification`)
      // whose JSON contains `needle` within the given seconds (null if none). Every event
      // received is printed as a line first, for the test's failure message.
      const [seconds, kind = 'update', needle = ''] = args;
      const s = load();
      const instance = await rest(s).v2.instance.fetch();
      const streaming = createStreamingAPIClient({
        streamingApiUrl: instance.configuration.urls.streaming, accessToken: s.token, implementation: WebSocket, log: process.env.MASTO_LOG ?? "warn",
      });
      // masto connects lazily and sends its subscribe message when the iteration starts:
      // "listening" is said once the socket is open (the server keeps every event from its
      // answer on until the subscribe message is read), so a post made after it is not missed.
      await streaming.prepare();
      const sub = streaming.user.subscribe();
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), Number(seconds) * 1000));
      const first = (async () => {
        for await (const event of sub) {
          console.log(JSON.stringify({ seen: event.event, payload: event.payload }));
          if (event.event === kind && JSON.stringify(event.payload).includes(needle)) {
            return event.event === 'update' ? brief(event.payload) : event.payload;
          }
        }
        return null;
      })();
      console.log(JSON.stringify({ listening: true }));
      const got = await Promise.race([first, timeout]);
      sub.unsubscribe();
      streaming.close();
      return got;
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

run().then(
  (out) => { console.log(JSON.stringify(out)); process.exit(0); },
  (e) => { console.error(e?.stack ?? String(e)); process.exit(1); },
);
