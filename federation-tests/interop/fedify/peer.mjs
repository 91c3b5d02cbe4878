// A Fedify 2.3 peer, run by Guildhall's interop test (federation-tests/tests/it/interop_fedify.rs).
//
//     node peer.mjs PORT
//
// Serves one Person, `alice`, at http://localhost:PORT/users/alice through Fedify itself
// (actor, WebFinger, inbox, notes), and a small control API under /_control/ that the test
// calls to act for alice and to read what her inbox received:
//
//   GET  /_control/received          {"verified": [...], "unverified": [...]}: activities that
//                                     reached alice's inbox listener (Fedify runs it only after
//                                     verifying the signature), each with its object as parsed
//                                     by Fedify's vocab, and those Fedify refused as unverified
//   POST /_control/follow    {object}                     Follow; answers {"id"}
//   POST /_control/unfollow  {object, follow}             Undo whose object is the Follow's id
//   POST /_control/note      {to, content, name?, inReplyTo?}
//                                                         Create{Note} sent to `to`'s inbox;
//                                                         answers {"note", "id"}
//   POST /_control/update    {note, content}              Update{Note} of one of alice's notes
//   POST /_control/delete    {note}                       Delete{Tombstone} of it
//   POST /_control/rotate                                 new RSA and Ed25519 key pairs, same ids
//
// Deliveries are sent without a message queue, so a control call answers only once the remote
// inbox has answered: 200 with {"id"} when it accepted, 502 with {"error"} when it refused
// (Fedify signs RFC 9421 first and retries with draft-cavage after a 401).
// Loopback addresses are private: `allowPrivateAddress: true` lets Fedify talk to them (tests
// only). Fedify logs (LogTape) go to stderr.

import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

import { configure, getConsoleSink } from "@logtape/logtape";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Activity,
  Create,
  Delete,
  Endpoints,
  Follow,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node peer.mjs PORT");
  process.exit(2);
}
const origin = `http://localhost:${port}`;
const USER = "alice";

await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { console: getConsoleSink() },
  loggers: [
    { category: "fedify", sinks: ["console"], lowestLevel: process.env.FEDIFY_LOG_LEVEL ?? "info" },
    { category: ["logtape", "meta"], sinks: ["console"], lowestLevel: "warning" },
  ],
});
// getConsoleSink writes with console.*: send all of it to stderr, keeping stdout for the
// start-up line.
console.log = console.info = console.debug = console.error;

/** alice's key pairs: RSA for HTTP signatures, Ed25519 for object proofs. */
let keyPairs = await newKeyPairs();
/** alice's notes by local id: {note: Note, deleted: boolean}. */
const notes = new Map();
/** What reached alice's inbox. */
const received = { verified: [], unverified: [] };

async function newKeyPairs() {
  return [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")];
}

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true,
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice on Fedify",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .mapHandle((_ctx, username) => (username === USER ? USER : null))
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === USER ? keyPairs : []));

federation.setObjectDispatcher(Note, "/notes/{id}", (_ctx, { id }) => {
  const stored = notes.get(id);
  return stored && !stored.deleted ? stored.note : null;
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Activity, async (ctx, activity) => {
    received.verified.push(await describe(ctx, activity));
  })
  .onUnverifiedActivity(async (_ctx, activity, reason) => {
    received.unverified.push({
      id: activity.id?.href ?? null,
      type: activity.constructor.name,
      reason: reason.type,
      keyId: reason.keyId?.href ?? null,
    });
    return new Response("signature not verified", { status: 401 });
  })
  .onError((_ctx, error) => {
    console.error("inbox listener failed:", error);
  });

/** An activity as the test reads it: its JSON-LD, and its object parsed by Fedify's vocab. */
async function describe(ctx, activity) {
  const entry = {
    type: activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    json: await activity.toJsonLd({ format: "compact" }),
  };
  if (activity instanceof Delete || activity instanceof Undo) {
    // What a Delete names is gone and an Undo's object is ours: nothing to fetch.
    entry.object = { id: activity.objectId?.href ?? null };
    return entry;
  }
  try {
    // Dereferences the object when it is only an id, or embedded from another origin.
    const object = await activity.getObject({ ...ctx, suppressError: false });
    entry.object = object ? await describeObject(ctx, object) : null;
  } catch (error) {
    entry.objectError = String(error);
  }
  return entry;
}

async function describeObject(ctx, object) {
  const described = {
    type: object.constructor.name,
    id: object.id?.href ?? null,
  };
  if (object instanceof Activity) {
    described.actor = object.actorId?.href ?? null;
    described.objectId = object.objectId?.href ?? null;
    if (object instanceof Delete || object instanceof Undo) return described;
    try {
      const inner = await object.getObject(ctx);
      if (inner && !(inner instanceof Activity)) described.object = await describeObject(ctx, inner);
    } catch (error) {
      described.objectError = String(error);
    }
    return described;
  }
  for (const field of ["name", "content", "summary"]) {
    const value = object[field];
    if (value != null) described[field] = String(value);
  }
  if ("replyTargetId" in object) described.inReplyTo = object.replyTargetId?.href ?? null;
  if ("attributionId" in object) described.attributedTo = object.attributionId?.href ?? null;
  return described;
}

const ctx = () => federation.createContext(new URL(origin), undefined);
const actorUri = () => ctx().getActorUri(USER);

/** The remote actor at `url`, fetched (and parsed) by Fedify. */
async function lookupActor(url) {
  const actor = await ctx().lookupObject(url);
  if (!actor || !("inboxId" in actor) || !actor.inboxId) throw new Error(`${url} is not an actor with an inbox`);
  return actor;
}

async function send(recipientUrl, activity) {
  const recipient = await lookupActor(recipientUrl);
  await ctx().sendActivity({ identifier: USER }, recipient, activity);
  return recipient;
}

/** A Note's addressing: public, and the community (or other actor) it is posted to. */
function addressing(to) {
  return { tos: [PUBLIC_COLLECTION], ccs: [new URL(to)] };
}

const control = {
  async follow({ object }) {
    const id = new URL(`${actorUri().href}#follows/${randomUUID()}`);
    await send(object, new Follow({ id, actor: actorUri(), object: new URL(object) }));
    return { id: id.href };
  },
  async unfollow({ object, follow }) {
    const id = new URL(`${actorUri().href}#undo/${randomUUID()}`);
    await send(object, new Undo({ id, actor: actorUri(), object: new URL(follow) }));
    return { id: id.href };
  },
  async note({ to, content, name, inReplyTo }) {
    const local = randomUUID();
    const noteId = ctx().getObjectUri(Note, { id: local });
    const note = new Note({
      id: noteId,
      attribution: actorUri(),
      name: name ?? null,
      content,
      replyTarget: inReplyTo ? new URL(inReplyTo) : null,
      published: Temporal.Now.instant(),
      url: noteId,
      ...addressing(to),
    });
    notes.set(local, { note, deleted: false, to });
    const id = new URL(`${noteId.href}#create`);
    await send(to, new Create({ id, actor: actorUri(), object: note, ...addressing(to) }));
    return { note: noteId.href, id: id.href };
  },
  async update({ note, content }) {
    const { local, stored } = ownNote(note);
    const updated = stored.note.clone({ content, updated: Temporal.Now.instant() });
    notes.set(local, { ...stored, note: updated });
    const id = new URL(`${note}#update/${randomUUID()}`);
    await send(stored.to, new Update({ id, actor: actorUri(), object: updated, ...addressing(stored.to) }));
    return { id: id.href };
  },
  async delete({ note }) {
    const { local, stored } = ownNote(note);
    notes.set(local, { ...stored, deleted: true });
    const id = new URL(`${note}#delete`);
    const tombstone = new Tombstone({ id: new URL(note), deleted: Temporal.Now.instant() });
    await send(stored.to, new Delete({ id, actor: actorUri(), object: tombstone, ...addressing(stored.to) }));
    return { id: id.href };
  },
  async rotate() {
    keyPairs = await newKeyPairs();
    return { keyId: `${actorUri().href}#main-key` };
  },
};

function ownNote(url) {
  const local = url.split("/").pop();
  const stored = notes.get(local);
  if (!stored) throw new Error(`no note ${url}`);
  return { local, stored };
}

const Temporal = globalThis.Temporal ?? (await import("@js-temporal/polyfill")).Temporal;

async function handleControl(request, url) {
  if (request.method === "GET" && url.pathname === "/_control/received") {
    return Response.json(received);
  }
  const action = control[url.pathname.slice("/_control/".length)];
  if (request.method !== "POST" || !action) return new Response("not found", { status: 404 });
  try {
    const body = await request.text();
    return Response.json(await action(body ? JSON.parse(body) : {}));
  } catch (error) {
    console.error(`control ${url.pathname} failed:`, error);
    return Response.json({ error: String(error?.stack ?? error) }, { status: 502 });
  }
}

/** Node's request as a fetch Request (the http adapter Fedify's integrations provide). */
function toRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value != null) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url, `http://${req.headers.host ?? `localhost:${port}`}`), {
    method: req.method,
    headers,
    body: hasBody ? req : undefined,
    duplex: hasBody ? "half" : undefined,
  });
}

const server = http.createServer(async (req, res) => {
  let response;
  try {
    const request = toRequest(req);
    const url = new URL(request.url);
    response = url.pathname.startsWith("/_control/")
      ? await handleControl(request, url)
      : await federation.fetch(request, {
          contextData: undefined,
          onNotFound: () => new Response("not found", { status: 404 }),
          onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
        });
  } catch (error) {
    console.error("request failed:", error);
    response = new Response(String(error), { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(port, "127.0.0.1", () => {
  console.info(`fedify peer listening on ${origin}`);
  process.stdout.write(`ready ${origin}\n`);
});
