"""Drives a Guildhall instance with Mastodon.py, one step per run, as a Mastodon app would.
Usage: python mastodon_py.py STATE_FILE COMMAND [ARGS...]; prints one JSON document.
The state file keeps the app's credentials and the access token between steps.

Mastodon.py 2.3 has no PKCE of its own: the sign-in adds the challenge to the URL the library
builds and sends the verifier with the token request; every other call is the library's."""

import base64
import hashlib
import json
import os
import queue
import secrets
import sys
import threading
import time
import urllib.parse

import requests
from mastodon import Mastodon, StreamListener

import browser

REDIRECT = "http://localhost/guildhall-conformance/callback"
SCOPES = ["read", "write", "follow", "push"]


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, state):
    with open(path, "w") as f:
        json.dump(state, f)


def plain(x):
    """Mastodon.py's AttribAccessDicts and datetimes as JSON."""
    return json.loads(json.dumps(x, default=str))


def client(state):
    return Mastodon(access_token=state["token"], api_base_url=state["base"])


def signin(path, base, username, password):
    client_id, client_secret = Mastodon.create_app(
        "Guildhall conformance (Mastodon.py)", scopes=SCOPES, redirect_uris=[REDIRECT, "urn:ietf:wg:oauth:2.0:oob"],
        website="https://example.org/conformance", api_base_url=base)
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(12)
    url = app.auth_request_url(redirect_uris=REDIRECT, scopes=SCOPES, state=state, allow_http=True)
    url += "&" + urllib.parse.urlencode({"code_challenge": challenge, "code_challenge_method": "S256"})
    answer = browser.approve(base, url, username, password)
    assert answer.get("state") == state, f"state came back as {answer}"
    # A wrong verifier must be refused before the right one is used (the code stays unused).
    wrong = requests.post(f"{base}/oauth/token", data={
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT,
        "client_id": client_id, "client_secret": client_secret, "code_verifier": "x" * 50})
    token = requests.post(f"{base}/oauth/token", data={
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT,
        "client_id": client_id, "client_secret": client_secret, "code_verifier": verifier})
    token.raise_for_status()
    st = {"base": base, "client_id": client_id, "client_secret": client_secret,
          "token": token.json()["access_token"]}
    save(path, st)
    m = client(st)
    return {"wrong_verifier_status": wrong.status_code, "wrong_verifier": wrong.json(),
            "token": {k: v for k, v in token.json().items() if k != "access_token"},
            "app": plain(m.app_verify_credentials()), "account": plain(m.account_verify_credentials())}


def statuses(items):
    return [{"id": s["id"], "content": s["content"], "acct": s["account"]["acct"],
             "in_reply_to_id": s["in_reply_to_id"], "favourited": s.get("favourited"),
             "favourites_count": s["favourites_count"], "visibility": s["visibility"],
             "poll": plain(s["poll"]) if s.get("poll") else None} for s in items]


def stream(m, seconds, kind="update", needle=""):
    """Opens the user stream (server-sent events) and returns the first `kind` event
    (`update` or `notification`) whose JSON contains `needle` within `seconds` (or None).
    Every event received is printed as a line first, for the test's failure message."""
    got = queue.Queue()

    class Listener(StreamListener):
        def on_update(self, status):
            got.put(("update", plain(status)))

        def on_notification(self, notification):
            got.put(("notification", plain(notification)))

        def on_abort(self, err):
            got.put(("abort", str(err)))

    handle = m.stream_user(Listener(), run_async=True, reconnect_async=False)
    # Mastodon.py connects in its own thread: "listening" is said only once the server has
    # answered with its headers, so that a post made right after it cannot be missed.
    deadline = time.monotonic() + seconds
    while handle.connection is None:
        if time.monotonic() > deadline or not got.empty():
            break
        time.sleep(0.05)
    print(json.dumps({"listening": handle.connection is not None}), flush=True)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                name, payload = got.get(timeout=left)
            except queue.Empty:
                return None
            print(json.dumps({"seen": name, "payload": payload}), flush=True)
            if name == "abort":
                raise SystemExit(f"the stream aborted: {payload}")
            if name == kind and needle in json.dumps(payload):
                return payload
    finally:
        handle.close()


def main():
    path, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if command == "signin":
        out = signin(path, *args)
    else:
        m = client(load(path))
        if command == "instance":
            out = plain(m.instance())
        elif command == "follow":
            found = m.search_v2(args[0], resolve=True, result_type="accounts")
            groups = [a for a in found["accounts"] if a["acct"] == args[0].lstrip("@")]
            assert groups, f"search found {plain(found['accounts'])}"
            rel = m.account_follow(groups[0]["id"])
            out = {"account": plain(groups[0]), "relationship": plain(rel)}
        elif command == "search_v2":
            found = m.search_v2(args[0], resolve=False, result_type="statuses")
            out = statuses(found["statuses"])
        elif command == "relationship":
            out = plain(m.account_relationships([args[0]])[0])
        elif command == "home":
            out = statuses(m.timeline_home(limit=int(args[0]) if args else 20))
        elif command == "post":
            out = statuses([m.status_post(args[0], idempotency_key=args[1] if len(args) > 1 else None)])[0]
        elif command == "reply":
            out = statuses([m.status_post(args[1], in_reply_to_id=args[0])])[0]
        elif command == "context":
            c = m.status_context(args[0])
            out = {"ancestors": statuses(c["ancestors"]), "descendants": statuses(c["descendants"])}
        elif command == "favourite":
            out = statuses([m.status_favourite(args[0])])[0]
        elif command == "vote":
            out = plain(m.poll_vote(args[0], [int(a) for a in args[1:]]))
        elif command == "notifications":
            out = [{"id": n["id"], "type": n["type"], "acct": n["account"]["acct"],
                    "status": n["status"]["id"] if n.get("status") else None} for n in m.notifications()]
        elif command == "stream":
            out = stream(m, float(args[0]), *args[1:3])
        else:
            raise SystemExit(f"unknown command {command}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
