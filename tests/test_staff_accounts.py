"""Staff accounts: bcrypt hashes, login throttling and lockout, the audit log, the CLI.

A fake clock drives the lockout window, so "guesses per minute" is measured, not assumed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from assistant import staff_accounts
from assistant.staff_accounts import StaffAccounts, StaffError
from tests.conftest import ROOT

PASSWORD = "korrekt-pferd-batterie"
CLIENT = "203.0.113.7"


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path: Path, clock: Clock) -> StaffAccounts:
    staff = StaffAccounts(tmp_path / "staff.sqlite", 5, 15.0, rounds=4, now=clock)
    staff.add("anna", PASSWORD)
    return staff


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every bcrypt check made, by the hash it was made against."""
    made: list[bytes] = []
    real = bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        made.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(staff_accounts.bcrypt, "checkpw", counting)
    return made


# --- accounts --------------------------------------------------------------------------------


def test_password_is_stored_as_a_bcrypt_hash_only(accounts: StaffAccounts) -> None:
    with sqlite3.connect(accounts.path) as db:
        (stored,) = db.execute("SELECT hash FROM accounts WHERE name = 'anna'").fetchone()
    assert bytes(stored).startswith(b"$2b$04$")
    assert PASSWORD.encode() not in accounts.path.read_bytes()
    assert accounts.login("anna", PASSWORD).ok
    assert accounts.login("anna", PASSWORD + "x").status == "wrong"
    assert accounts.login("ANNA", PASSWORD).name == "anna"  # names are case-insensitive


def test_every_character_of_a_long_passphrase_counts(accounts: StaffAccounts) -> None:
    """bcrypt alone reads 72 bytes (and bcrypt 5 refuses more): the SHA-256 first fixes both."""
    long = "ä" * 80 + "ende"
    accounts.add("bert", long)
    assert accounts.login("bert", long).ok
    assert not accounts.login("bert", "ä" * 80 + "Ende").ok


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("a", PASSWORD, "invalid account name"),
        ("x" * 41, PASSWORD, "invalid account name"),
        ("anna maria", PASSWORD, "invalid account name"),
        ("../etc", PASSWORD, "invalid account name"),
        ("carla", "kurz", "at least 10 characters"),
        ("anna", PASSWORD, "exists already"),
        ("ANNA", PASSWORD, "exists already"),
    ],
)
def test_bad_accounts_are_refused(
    accounts: StaffAccounts, name: str, password: str, message: str
) -> None:
    with pytest.raises(StaffError, match=message):
        accounts.add(name, password)


def test_replace_remove_and_list(accounts: StaffAccounts) -> None:
    accounts.add("Bert.B-2_x", "noch-ein-passwort")
    assert accounts.names() == ["anna", "Bert.B-2_x"]
    accounts.add("anna", "ein-neues-passwort", replace=True)
    assert not accounts.login("anna", PASSWORD).ok
    assert accounts.login("anna", "ein-neues-passwort").ok
    assert accounts.remove("anna") and not accounts.remove("anna")
    assert not accounts.exists("anna")
    assert not accounts.login("anna", "ein-neues-passwort").ok
    assert accounts.names() == ["Bert.B-2_x"]


def test_nothing_is_created_until_used(tmp_path: Path) -> None:
    staff = StaffAccounts(tmp_path / "data" / "staff.sqlite", rounds=4)
    assert not staff.enabled and staff.audit_log() == [] and not staff.exists("anna")
    assert not (tmp_path / "data").exists()


def test_bootstrap_password_is_the_account_staff(tmp_path: Path, clock: Clock) -> None:
    staff = StaffAccounts(tmp_path / "s.sqlite", bootstrap="geheim", rounds=4, now=clock)
    assert staff.enabled and staff.exists("staff") and not staff.exists("anna")
    assert staff.login("staff", "geheim").name == "staff"
    assert staff.login("staff", "GEHEIM").status == "wrong"
    assert staff.login("anna", "geheim").status == "wrong"
    staff.add("staff", "ein-eigenes-passwort")  # an account in the file wins
    assert not staff.login("staff", "geheim").ok
    assert staff.login("staff", "ein-eigenes-passwort").ok


def test_unknown_name_costs_one_bcrypt_check_like_a_known_one(
    tmp_path: Path, clock: Clock, checks: list[bytes]
) -> None:
    """Timing says nothing: a wrong password, an unknown name, a malformed name and the
    bootstrap account each cost exactly one bcrypt check of the same cost, and answer alike."""
    staff = StaffAccounts(tmp_path / "s.sqlite", 100, bootstrap="geheim", rounds=4, now=clock)
    staff.add("anna", PASSWORD)
    results = {}
    for name in ["anna", "niemand", "x" * 500 + "'; --", "staff"]:
        checks.clear()
        results[name] = staff.login(name, "falsch-geraten")
        assert len(checks) == 1, name
        assert checks[0].startswith(b"$2b$04$")  # same cost as the real hash
    assert set(results.values()) == {staff_accounts.LoginResult("wrong")}


# --- throttling and lockout ------------------------------------------------------------------


def test_lockout_after_max_failures_refuses_without_checking(
    accounts: StaffAccounts, clock: Clock, checks: list[bytes]
) -> None:
    for _ in range(5):
        assert accounts.login("anna", "falsch", CLIENT).status == "wrong"
        clock.advance(10)
    checks.clear()
    locked = accounts.login("anna", PASSWORD, CLIENT)  # even the right password
    assert locked.status == "locked" and not checks
    assert locked.seconds_left == pytest.approx(15 * 60 - 50)
    assert accounts.login("anna", PASSWORD, "198.51.100.1").status == "locked"  # any client
    clock.advance(15 * 60 - 50)  # the first failure leaves the window
    assert accounts.login("anna", PASSWORD, CLIENT).ok


def test_unknown_names_lock_like_known_ones(accounts: StaffAccounts, clock: Clock) -> None:
    """Otherwise the lock would tell which names exist."""
    for name in ("anna", "niemand"):
        for n in range(5):
            assert accounts.login(name, "falsch", f"10.0.0.{n}").status == "wrong"
        assert accounts.login(name, "falsch", "10.0.1.1").status == "locked"


def test_one_client_is_throttled_across_names(accounts: StaffAccounts, clock: Clock) -> None:
    accounts.add("bert", "noch-ein-passwort")
    for name in ["anna", "bert", "carla", "dora", "emil"]:
        assert accounts.login(name, "falsch", CLIENT).status == "wrong"
    assert accounts.login("bert", "noch-ein-passwort", CLIENT).status == "locked"
    assert accounts.login("bert", "noch-ein-passwort", "198.51.100.1").ok  # another client


def test_success_forgives_only_its_own_mistakes(accounts: StaffAccounts, clock: Clock) -> None:
    for _ in range(4):
        accounts.login("anna", "vertippt", CLIENT)
    assert accounts.login("anna", PASSWORD, CLIENT).ok
    for _ in range(4):  # the four earlier ones were forgiven
        assert accounts.login("anna", "vertippt", CLIENT).status == "wrong"
    assert accounts.login("anna", PASSWORD, CLIENT).ok


def guesses_per_minute(
    accounts: StaffAccounts, clock: Clock, checks: list[bytes], names: list[str], minutes: int
) -> list[int]:
    """An attacker at one address tries a password every 0.2 s for ``minutes`` minutes,
    cycling through ``names``; returns how many passwords were actually checked each minute."""
    per_minute = []
    attempt = 0
    for _ in range(minutes):
        checks.clear()
        for _ in range(300):
            accounts.login(names[attempt % len(names)], f"rate-{attempt}", CLIENT)
            attempt += 1
            clock.advance(0.2)
        per_minute.append(len(checks))
    return per_minute


@pytest.mark.parametrize("names", [["anna"], ["anna", "bert", "carla", "niemand"]])
def test_one_client_gets_at_most_five_guesses_per_minute(
    accounts: StaffAccounts, clock: Clock, checks: list[bytes], names: list[str]
) -> None:
    """~30,000 guesses a minute before; now at most ``max_failures`` (5) in any lockout window
    (15 min): 5 in the first minute, then 0 until the window has passed."""
    per_minute = guesses_per_minute(accounts, clock, checks, names, 45)
    assert max(per_minute) == 5
    assert sum(per_minute) == 15  # 5 per 15 minutes
    assert per_minute[:16] == [5] + [0] * 14 + [5]


def test_many_clients_get_five_guesses_per_account(
    accounts: StaffAccounts, clock: Clock, checks: list[bytes]
) -> None:
    for n in range(100):
        accounts.login("anna", f"botnet-{n}", f"10.0.{n}.1")
        clock.advance(0.1)
    assert len(checks) == 5


def test_parallel_guesses_cannot_slip_past_the_limit(
    accounts: StaffAccounts, checks: list[bytes]
) -> None:
    """Each attempt is counted before bcrypt runs, so 20 at once still get 5 checks."""
    start = threading.Barrier(20)
    results: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        results.append(accounts.login("anna", f"parallel-{n}", CLIENT).status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 5
    assert sorted(results) == ["locked"] * 15 + ["wrong"] * 5


def test_old_failures_are_pruned(accounts: StaffAccounts, clock: Clock) -> None:
    for n in range(50):
        accounts.login(f"name-{n}", "x", f"10.1.{n}.1")
    clock.advance(15 * 60 + 1)
    accounts.login("anna", "x", CLIENT)
    with sqlite3.connect(accounts.path) as db:
        assert db.execute("SELECT COUNT(*) FROM failures").fetchone() == (1,)


# --- the audit log ---------------------------------------------------------------------------


def test_audit_log_newest_first_with_finish(accounts: StaffAccounts, clock: Clock) -> None:
    first = accounts.audit("anna", "edit", "faq/a.yaml", "aa" * 32, "bb" * 32)
    clock.advance(60)
    accounts.audit("bert", "add", "documents/x.md", "", "cc" * 32, False, "refused: title")
    assert accounts.audit_log()[1]["ok"] is None  # begun, not finished (killed?)
    accounts.finish(first, True)
    log = accounts.audit_log()
    assert [(e["who"], e["path"], e["ok"]) for e in log] == [
        ("bert", "documents/x.md", False),
        ("anna", "faq/a.yaml", True),
    ]
    assert log[0]["detail"] == "refused: title" and log[0]["before_sha256"] == ""
    assert log[1]["at"] == "2027-01-15T08:00:00+00:00"
    assert len(accounts.audit_log(limit=1)) == 1


# --- the CLI ---------------------------------------------------------------------------------


def staff_cli(*args: str, data_dir: Path, stdin: str = "", **env: str) -> Any:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    full_env.update(ASSISTANT_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        cwd=ROOT,
    )


@pytest.mark.e2e
def test_cli_adds_lists_audits_and_removes_accounts(tmp_path: Path) -> None:
    data = tmp_path / "d"
    added = staff_cli("add", "anna", "--password-stdin", data_dir=data, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "account 'anna' added" in added.stdout
    piped = staff_cli("add", "bert", data_dir=data, stdin="noch-ein-passwort\n")  # not a TTY
    assert piped.returncode == 0, piped.stderr
    accounts = StaffAccounts(data / "staff.sqlite", rounds=4)
    assert accounts.login("anna", PASSWORD).ok
    assert accounts.login("bert", "noch-ein-passwort").ok

    again = staff_cli("add", "anna", data_dir=data, stdin=PASSWORD)
    assert again.returncode == 1 and "exists already" in again.stderr
    short = staff_cli("add", "carla", data_dir=data, stdin="kurz")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    assert "Traceback" not in short.stderr

    listed = staff_cli("list", data_dir=data, ASSISTANT_STAFF_PASSWORD="geheim")
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "anna",
        "bert",
        "staff",
    ]

    accounts.audit("anna", "edit", "faq/general.yaml", "aa" * 32, "bb" * 32, True)
    audit = staff_cli("audit", "--json", data_dir=data)
    assert [e["path"] for e in json.loads(audit.stdout)] == ["faq/general.yaml"]
    text = staff_cli("audit", "--limit", "5", data_dir=data)
    assert "anna  edit  faq/general.yaml  aaaaaaaaaaaa -> bbbbbbbbbbbb  ok" in text.stdout

    removed = staff_cli("remove", "anna", data_dir=data)
    assert removed.returncode == 0 and not accounts.exists("anna")
    gone = staff_cli("remove", "anna", data_dir=data)
    assert gone.returncode == 1 and "no account 'anna'" in gone.stderr
