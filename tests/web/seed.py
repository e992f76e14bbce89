"""Seed the browser tests' servers directly: people and sign-ins that cost no SMS code.

The per-phone code rules (one code a minute) hold even with TETHER_THROTTLE off, so a second
device of one person, or an account deleted right after it was made, would make a test wait
a minute. This runs in its own process on the servers' database (their environment) and
prints JSON:

    python -m tests.web.seed sign-in PHONE USER_AGENT         -> {"cookie", "session_id"}
    python -m tests.web.seed person PHONE NAME USER_AGENT     -> the same, for a new account

``sign-in`` makes what /verify/ makes: a sign-in (AuthSession) and a Django session that
carries it; the cookie is that Django session's.
"""

import json
import os
import subprocess
import sys
from importlib import import_module

from tests.servers import ROOT, Servers


def run(servers: Servers, *args: str) -> dict:
    """Run this module with ``args`` against ``servers``' database; its JSON answer."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.web.seed", *args],
        cwd=ROOT,
        env=servers[0].env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _person(phone: str, name: str, user_agent: str) -> dict:
    from accounts.services.users import user_create

    user_create(phone=phone, display_name=name)
    return _sign_in(phone, user_agent)


def _sign_in(phone: str, user_agent: str) -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.authentication import WEB_SESSION_KEY
    from accounts.models import User
    from accounts.services.sessions import session_start

    user = User.objects.get(phone=phone)
    sign_in = session_start(user=user, user_agent=user_agent, ip="203.0.113.7")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[WEB_SESSION_KEY] = str(sign_in.pk)
    store.create()
    return {"cookie": store.session_key, "session_id": str(sign_in.pk)}


def main(command: str, *args: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()
    answer = {"person": _person, "sign-in": _sign_in}[command](*args)
    print(json.dumps(answer))


if __name__ == "__main__":
    main(*sys.argv[1:])
