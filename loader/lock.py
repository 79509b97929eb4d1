"""The writer lock of a raw database: one loader (or `follow`) writes it at a time.

Load ids are allocated as max + 1 and a batch without a 'committed' row in `loads` is cleaned as an
interrupted one, so two writers of one raw database would corrupt each other's batches. chDB lets
one process open a data path, a ClickHouse server lets any number of clients in; so the lock lives
in the database itself and works on both: the table `{db}.loader_lock` exists while the lock is
held. Creating it without `if not exists` is atomic (a second creator gets TABLE_ALREADY_EXISTS);
its one row names the holder (host, pid, start time, command); dropping it releases the lock.

A lock whose holder ran on this host and whose process is gone (a killed loader) is taken over with
a message; any other held lock stops the loader with `LoaderLocked`, naming the holder and
`substrate-loader unlock`. `Landing` holds the lock while it exists (see loader/landing.py);
`holding()` keeps it for a whole run (`follow`), the Landings made inside on the same client share it.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from clickhouse_connect.driver.exceptions import DatabaseError

from loader.processes import is_running
from loader.schema import checked_identifier

LOCK_TABLE = "loader_lock"
_COLUMNS = "host String, pid UInt32, started_at DateTime64(3, 'UTC'), command String, token String"
_NAMES = ["host", "pid", "started_at", "command", "token"]
_UNLOCK = "substrate-loader unlock"

# Locks held for a whole run by holding(), by (client, database): Landings on that client share them.
_runs: dict[tuple[int, str], LoaderLock] = {}
# Tokens of the locks this process took: a holder with this process's pid and another token was an
# earlier process that had the same pid (PID 1 of a restarted container), so it is gone.
_own_tokens: set[str] = set()


class LoaderLocked(ConnectionError):
    """Another loader holds the raw database: like chDB refusing a data path another process has
    open (a ConnectionError from `connect`), the CLI reports it and exits 2."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    started_at: datetime
    command: str
    token: str

    def describe(self) -> str:
        return f"`{self.command}` (pid {self.pid} on {self.host}, since {self.started_at:%Y-%m-%d %H:%M:%S} UTC)"

    def is_gone(self) -> bool:
        """True only when the holder ran on this host and its process no longer exists."""
        if self.host != socket.gethostname():
            return False
        if self.pid == os.getpid():
            return self.token not in _own_tokens
        return not is_running(self.pid)


def _log(message: str) -> None:
    print(f"substrate-loader: {message}", file=sys.stderr, flush=True)


def current_holder(client: Any, database: str) -> Holder | None:
    """Who holds the lock of the raw database (None: nobody, or the lock is being taken right now)."""
    table = f"{checked_identifier(database)}.{LOCK_TABLE}"
    try:
        found = client.query(f"select {', '.join(_NAMES)} from {table} limit 1").result_rows
    except DatabaseError as error:
        if "UNKNOWN_TABLE" in str(error) or "UNKNOWN_DATABASE" in str(error):
            return None
        raise
    return Holder(*found[0]) if found else None


class LoaderLock:
    """The lock of one raw database, taken by `acquire` and given back by `release` (or `with`)."""

    def __init__(self, client: Any, database: str, log: Callable[[str], None] = _log):
        self.client = client
        self.db = checked_identifier(database)
        self.table = f"{self.db}.{LOCK_TABLE}"
        self.log = log
        self.holder: Holder | None = None  # set while this object holds the lock itself
        self.shared = False  # inside holding(): the run's lock covers this one

    def __enter__(self) -> LoaderLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            self.release()
        except Exception as error:  # a lost connection must not hide the error that ended the load
            if kind is None:
                raise
            self.log(f"could not release the loader lock of {self.db} ({error}); `{_UNLOCK}` clears it")

    def acquire(self) -> None:
        if (id(self.client), self.db) in _runs:
            self.shared = True
            return
        self.client.command(f"create database if not exists {self.db}")
        if not self._create():
            other = current_holder(self.client, self.db)
            if other is None or not other.is_gone():
                raise LoaderLocked(self._held_message(other))
            self.log(f"taking over the loader lock of {self.db}: its holder {other.describe()} is no longer running")
            self._drop_if_held_by(other.token)
            if not self._create():  # another loader took it over first
                raise LoaderLocked(self._held_message(current_holder(self.client, self.db)))
        command = " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]])[:300]
        me = Holder(socket.gethostname(), os.getpid(), datetime.now(timezone.utc), command, uuid.uuid4().hex)
        _own_tokens.add(me.token)
        try:
            self.client.insert(self.table, [[me.host, me.pid, me.started_at, me.command, me.token]], column_names=_NAMES)
        except BaseException:
            self.client.command(f"drop table if exists {self.table}")  # no lock without a named holder
            raise
        self.holder = me

    def _create(self) -> bool:
        """Create the lock table: False if it exists (held), atomically for any number of creators."""
        try:
            self.client.command(f"create table {self.table} ({_COLUMNS}) engine = MergeTree order by tuple()")
        except DatabaseError as error:
            if "TABLE_ALREADY_EXISTS" not in str(error):
                raise
            return False
        return True

    def _drop_if_held_by(self, token: str) -> None:
        current = current_holder(self.client, self.db)
        if current is not None and current.token == token:
            self.client.command(f"drop table if exists {self.table}")

    def _held_message(self, other: Holder | None) -> str:
        who = other.describe() if other else "another loader (its lock is being taken right now, or was left empty by a crash)"
        return (f"raw database {self.db} is being written by {who}: one loader at a time per raw database. "
                f"Wait for it to finish, or, if it is gone, clear its lock with `{_UNLOCK} --database {self.db}` "
                "(same --url/--chdb-path as the load)")

    def release(self) -> None:
        """Drop the lock table if it is still this holder's (an `unlock` may have cleared it)."""
        if self.shared:
            self.shared = False
            return
        if self.holder is None:
            return
        mine, self.holder = self.holder, None
        self._drop_if_held_by(mine.token)


@contextmanager
def holding(client: Any, database: str) -> Iterator[LoaderLock]:
    """The lock for a whole run (`follow`): Landings made inside on the same client share it."""
    key = (id(client), checked_identifier(database))
    if key in _runs:  # already held for a run around this one
        yield _runs[key]
        return
    with LoaderLock(client, database) as lock:
        _runs[key] = lock
        try:
            yield lock
        finally:
            del _runs[key]


def unlock(client: Any, database: str, force: bool = False) -> Holder | None:
    """Clear the lock of a raw database whose loader is gone; returns who held it. Refuses while
    the holder's pid still runs on this host, unless `force` (the pid now belongs to another program)."""
    db = checked_identifier(database)
    holder = current_holder(client, db)
    if holder is not None and not force and holder.host == socket.gethostname() and not holder.is_gone():
        raise LoaderLocked(f"raw database {db} is being written by {holder.describe()}, which is still running: "
                           f"stop it first (the lock goes with it; if pid {holder.pid} is now another program, "
                           "`substrate-loader unlock --force`)")
    client.command(f"drop table if exists {db}.{LOCK_TABLE}")
    return holder
