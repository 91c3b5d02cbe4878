"""The person in the loop of an OAuth sign-in: signs in on Guildhall's web form and presses
Approve on its authorization page, as someone would in the browser an app opens. Reads the
forms generically (hidden inputs, the submit button), so it follows the pages, not their
markup details. Returns the redirect's query (code and state, or error)."""

import html.parser
import re
import urllib.parse

import requests


class _Forms(html.parser.HTMLParser):
    """Every form on a page: action, method, inputs and submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "inputs": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                self._form["buttons"].append({"name": a.get("name"), "value": a.get("value") or "", "text": a.get("value") or ""})
            elif a.get("name"):
                self._form["inputs"][a["name"]] = a.get("value") or ""
        elif self._form is not None and tag == "button":
            self._button = {"name": a.get("name"), "value": a.get("value") or "", "text": ""}
            if (a.get("type") or "submit").lower() == "submit":
                self._form["buttons"].append(self._button)

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None


def _forms(page):
    p = _Forms()
    p.feed(page)
    return p.forms


def _submit(session, base_url, form, fields, button=None, follow=True):
    data = dict(form["inputs"])
    data.update(fields)
    if button is not None and button.get("name"):
        data[button["name"]] = button["value"]
    action = urllib.parse.urljoin(base_url, form["action"] or base_url)
    return session.post(action, data=data, allow_redirects=follow)


def approve(base_url, authorize_url, username, password, decision="approve"):
    """Signs `username` in and answers the authorization page; returns the redirect's query
    parameters (`code`, `state`) or raises with what the page said."""
    s = requests.Session()
    r = s.get(authorize_url)
    page_url = r.url
    login = [f for f in _forms(r.text) if "password" in f["inputs"] or f["action"].startswith("/login")]
    if login:
        r = _submit(s, page_url, login[0], {"username": username, "password": password})
        page_url = r.url
    if r.status_code != 200:
        raise RuntimeError(f"authorization page answered {r.status_code}: {r.text[:500]}")
    forms = [f for f in _forms(r.text) if f["method"] == "post" and "authorize" in f["action"]]
    if not forms:
        raise RuntimeError(f"no authorization form at {page_url}: {r.text[:800]}")
    wanted = re.compile(r"approve|authori[sz]e|allow" if decision == "approve" else r"deny|refuse|reject", re.I)
    for form in forms:
        for b in form["buttons"]:
            if wanted.search(f"{b.get('name') or ''} {b['value']} {b['text']}"):
                r = _submit(s, page_url, form, {}, b, follow=False)
                location = r.headers.get("location")
                if r.status_code not in (301, 302, 303, 307, 308) or not location:
                    raise RuntimeError(f"approval answered {r.status_code} without a redirect: {r.text[:500]}")
                return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    raise RuntimeError(f"no {decision} button on {page_url}: {forms}")
