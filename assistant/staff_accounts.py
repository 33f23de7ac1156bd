"""Staff accounts: who may change the corpus, how often they may guess, what they changed.

One SQLite file under the data directory (``Settings.staff_path``) holds three tables:

* ``accounts``: a name and a bcrypt hash per person (``assistant staff add NAME``);
* ``failures``: failed logins of the last lockout window, by account name and by client;
* ``audit``: every corpus change made from the staff tab (who, when, which file, the SHA-256
  of the file before and after, whether it stuck).

Guessing is bounded twice. bcrypt makes each check cost about 0.2 s (12 rounds). And after
``max_failures`` failed logins within ``lockout_minutes``, for one account name (whatever the
client) or from one client (whatever the name), further attempts are refused without looking at
the password until the oldest of those failures is older than the window: at most
``max_failures`` guesses per window from one client, and per account from all clients together.
A name without an account is answered exactly like a wrong password, after the same bcrypt
work (a check against a dummy hash), and is locked the same way, so neither the answer nor its
timing says which names exist. The price: anyone can lock an account for one window by
guessing wrongly on purpose.

``ASSISTANT_STAFF_PASSWORD`` is still honoured, as the account named ``staff`` (bootstrap: a
fresh installation with only that variable works); individual accounts are preferred because
the audit log then names the person. An account named ``staff`` in the file wins over the
variable.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import bcrypt

logger = logging.getLogger(__name__)

BOOTSTRAP_NAME = "staff"  # the account of ASSISTANT_STAFF_PASSWORD
MIN_PASSWORD_CHARS = 10
NAME_RULE = "2 to 40 characters: letters, digits, '.', '_' or '-'"
_NAME = re.compile(r"[A-Za-z0-9._-]{2,40}")
_KEY_CHARS = 64  # how much of a name or client the failure table keeps

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    hash BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    name TEXT NOT NULL,
    client TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_name ON failures (name, at);
CREATE INDEX IF NOT EXISTS failures_client ON failures (client, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    path TEXT NOT NULL,
    before_sha256 TEXT NOT NULL,
    after_sha256 TEXT NOT NULL,
    ok INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
"""


class StaffError(ValueError):
    """An account cannot be added or removed; the message says why."""


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one login attempt.

    ``status`` is ``ok`` (``name`` is the account's name as stored), ``wrong`` (wrong password
    or no such account: deliberately the same) or ``locked`` (too many failures; the password
    was not checked, ``seconds_left`` until the next attempt is allowed).
    """

    status: Literal["ok", "wrong", "locked"]
    name: str = ""
    seconds_left: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the password was right."""
        return self.status == "ok"


def check_name(name: str) -> str:
    """The name if it is a valid account name, else ``StaffError``."""
    if not _NAME.fullmatch(name or ""):
        raise StaffError(f"invalid account name {name!r}: {NAME_RULE}")
    return name


def _prehashed(password: str) -> bytes:
    """What bcrypt sees: SHA-256 of the password, base64 (44 bytes).

    bcrypt reads at most 72 bytes (bcrypt 5 refuses longer input) and stops at a NUL byte; the
    digest has neither problem, so every character of a long passphrase counts.
    """
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def _key(text: str) -> str:
    return (text or "").casefold()[:_KEY_CHARS]


class StaffAccounts:
    """Accounts, login throttling and the audit log in one SQLite file; thread-safe.

    ``now`` is the clock (seconds since the epoch; tests pass a fake one). ``rounds`` is the
    bcrypt cost of new hashes and of the dummy check (12: about 0.2 s; tests use 4).
    ``bootstrap`` is the password of the account ``staff`` (``ASSISTANT_STAFF_PASSWORD``).
    The file is opened on first use, so building an assistant creates nothing.
    """

    def __init__(
        self,
        path: Path,
        max_failures: int = 5,
        lockout_minutes: float = 15.0,
        *,
        bootstrap: str | None = None,
        rounds: int = 12,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.max_failures = max_failures
        self.window = lockout_minutes * 60.0
        self.rounds = rounds
        self._now = now
        self._bootstrap = _prehashed(bootstrap) if bootstrap else None
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._dummy: bytes | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> StaffAccounts:
        """The accounts of ``settings`` (an ``assistant.settings.Settings``)."""
        secret = settings.staff_password
        return cls(
            settings.staff_path,
            settings.staff_max_failures,
            settings.staff_lockout_minutes,
            bootstrap=secret.get_secret_value() if secret else None,
        )

    # --- the file ----------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        """The connection (call with the lock held); created with its tables on first use."""
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            with conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # WAL: safe if the process dies
                conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def close(self) -> None:
        """Close the file (it is opened again when needed)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _stamp(self) -> str:
        return dt.datetime.fromtimestamp(self._now(), dt.UTC).isoformat(timespec="seconds")

    # --- accounts ----------------------------------------------------------------------------

    def add(self, name: str, password: str, replace: bool = False) -> None:
        """Create the account ``name`` (or set its password, with ``replace``)."""
        check_name(name)
        if len(password) < MIN_PASSWORD_CHARS:
            raise StaffError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
        hashed = bcrypt.hashpw(_prehashed(password), bcrypt.gensalt(self.rounds))
        with self._lock, self._db() as db:
            exists = db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise StaffError(f"account {name!r} exists already (--replace sets a new password)")
            if exists:
                db.execute("UPDATE accounts SET hash = ? WHERE name = ?", (hashed, name))
            else:
                db.execute(
                    "INSERT INTO accounts (name, hash, created) VALUES (?, ?, ?)",
                    (name, hashed, self._stamp()),
                )
            db.execute("DELETE FROM failures WHERE name = ?", (_key(name),))

    def remove(self, name: str) -> bool:
        """Delete the account ``name``; False when there is none. Its sessions end too."""
        with self._lock, self._db() as db:
            return db.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount > 0

    def names(self) -> list[str]:
        """The names of the accounts in the file (not the bootstrap ``staff``), sorted."""
        return [row["name"] for row in self.accounts()]

    def accounts(self) -> list[dict[str, str]]:
        """Name and creation time of every account in the file, by name."""
        if self._conn is None and not self.path.exists():
            return []  # nothing to list: do not create the file for a question
        with self._lock:
            rows = self._db().execute(
                "SELECT name, created FROM accounts ORDER BY name COLLATE NOCASE"
            )
            return [{"name": row["name"], "created": row["created"]} for row in rows]

    @property
    def bootstrap(self) -> bool:
        """True when ``ASSISTANT_STAFF_PASSWORD`` opens the account ``staff``."""
        return self._bootstrap is not None

    @property
    def enabled(self) -> bool:
        """True when anyone can log in at all (an account in the file or the bootstrap)."""
        return self.bootstrap or bool(self.names())

    def exists(self, name: str) -> bool:
        """True when ``name`` can log in (callbacks check it: a removed account is logged out)."""
        if not name:
            return False
        if name == BOOTSTRAP_NAME and self.bootstrap:
            return True
        return self._hash_of(name) is not None

    def _hash_of(self, name: str) -> bytes | None:
        if self._conn is None and not self.path.exists():
            return None
        with self._lock:
            row = self._db().execute("SELECT hash FROM accounts WHERE name = ?", (name,)).fetchone()
        return bytes(row["hash"]) if row else None

    def _canonical(self, name: str) -> str:
        with self._lock:
            row = self._db().execute("SELECT name FROM accounts WHERE name = ?", (name,)).fetchone()
        return str(row["name"]) if row else name

    # --- logging in --------------------------------------------------------------------------

    def login(self, name: str, password: str, client: str = "") -> LoginResult:
        """Check a login from ``client`` (the connecting address; "" for none).

        The attempt is counted as a failure before the password is checked (and the count
        undone when it was right), so parallel guesses cannot slip past the limit.
        """
        name, password = name or "", password or ""
        now = self._now()
        with self._lock, self._db() as db:
            db.execute("DELETE FROM failures WHERE at <= ?", (now - self.window,))
            wait = self._wait(db, "name", _key(name), now)
            if client:
                wait = max(wait, self._wait(db, "client", _key(client), now))
            if wait > 0:
                logger.warning("staff login refused (locked): name %r, client %r", name, client)
                return LoginResult("locked", seconds_left=wait)
            attempt = db.execute(
                "INSERT INTO failures (at, name, client) VALUES (?, ?, ?)",
                (now, _key(name), _key(client)),
            ).lastrowid
        if not self._verify(name, password):  # bcrypt, outside the lock
            logger.info("staff login failed: name %r, client %r", name, client)
            return LoginResult("wrong")
        with self._lock, self._db() as db:
            # success forgives this client's mistakes with this name (the attempt included),
            # not its guesses at other names nor other clients' guesses at this one
            db.execute("DELETE FROM failures WHERE id = ?", (attempt,))
            db.execute(
                "DELETE FROM failures WHERE name = ? AND client = ?", (_key(name), _key(client))
            )
        logger.info("staff login: %r from %r", name, client)
        return LoginResult("ok", name=self._canonical(name))

    def _wait(self, db: sqlite3.Connection, column: str, key: str, now: float) -> float:
        """Seconds until ``column`` = ``key`` has fewer than ``max_failures`` in the window."""
        times = [
            row["at"]
            for row in db.execute(
                f"SELECT at FROM failures WHERE {column} = ? AND at > ? ORDER BY at",
                (key, now - self.window),
            )
        ]
        if len(times) < self.max_failures:
            return 0.0
        return max(times[len(times) - self.max_failures] + self.window - now, 0.001)

    def _verify(self, name: str, password: str) -> bool:
        """Exactly one bcrypt check whatever the name: its own hash, or the dummy's."""
        candidate = _prehashed(password)
        dummy = self._dummy_hash()  # made on the first login, whichever name it is for
        stored = self._hash_of(name) if _NAME.fullmatch(name) else None
        if stored is not None:
            return bcrypt.checkpw(candidate, stored)
        bcrypt.checkpw(candidate, dummy)  # the same work as for a real account
        if name == BOOTSTRAP_NAME and self._bootstrap is not None:
            return hmac.compare_digest(candidate, self._bootstrap)
        return False

    def _dummy_hash(self) -> bytes:
        if self._dummy is None:
            self._dummy = bcrypt.hashpw(b"no such account", bcrypt.gensalt(self.rounds))
        return self._dummy

    # --- the audit log -----------------------------------------------------------------------

    def audit(
        self,
        who: str,
        action: str,
        path: str,
        before_sha256: str,
        after_sha256: str,
        ok: bool | None = None,
        detail: str = "",
    ) -> int:
        """Record a corpus change; ``ok`` None means begun, not yet finished (``finish``).

        An entry still unfinished later is a change whose process was killed between writing
        and indexing. Returns the entry's id.
        """
        with self._lock, self._db() as db:
            cursor = db.execute(
                "INSERT INTO audit (at, who, action, path, before_sha256, after_sha256, ok,"
                " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._stamp(),
                    who,
                    action,
                    path,
                    before_sha256,
                    after_sha256,
                    None if ok is None else int(ok),
                    detail,
                ),
            )
            return int(cursor.lastrowid or 0)

    def finish(self, entry: int, ok: bool, detail: str = "") -> None:
        """Mark an entry begun with ``audit`` as done (``ok``) or failed and undone."""
        with self._lock, self._db() as db:
            db.execute("UPDATE audit SET ok = ?, detail = ? WHERE id = ?", (int(ok), detail, entry))

    def audit_log(self, limit: int = 50) -> list[dict[str, Any]]:
        """The last ``limit`` entries, newest first; ``ok`` is True, False or None (unfinished)."""
        if self._conn is None and not self.path.exists():
            return []
        with self._lock:
            rows = self._db().execute(
                "SELECT * FROM audit ORDER BY id DESC LIMIT ?", (max(0, limit),)
            )
            return [
                {**dict(row), "ok": None if row["ok"] is None else bool(row["ok"])} for row in rows
            ]
