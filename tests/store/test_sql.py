"""store/sql.py, the one way to speak SQL: `:name` placeholders on both databases, a key
list as one parameter, dates bound as the ledger stores them, and a tokenizer that leaves
quoted text, comments and `::` casts alone. Real SQLite files and the real PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_cli.store.sql import Keys, Sql, SqlTextError, day, positional, sql_of, translate

# Text either database takes in a literal: no NUL (PostgreSQL refuses it), no lone surrogate.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
PG_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture
def db(ledger):
    """A Sql over a write session of a new ledger (SQLite file, then PostgreSQL), with a
    scratch table."""
    with ledger.write() as session:
        sql = sql_of(session)
        sql.execute(
            "CREATE TEMPORARY TABLE scratch (id INTEGER PRIMARY KEY, label VARCHAR(40), on_day DATE, at_time TIMESTAMP)"
        )
        yield sql


@pytest.fixture
def file_db(tmp_path):
    con = sqlite3.connect(tmp_path / "plain.sqlite")
    yield sql_of(con)
    con.close()


# -- the tokenizer, without a database ---------------------------------------------
def test_postgresql_text_is_translated_once_and_leaves_quotes_alone():
    sql = (
        "SELECT 'a:b %' AS s, \"odd:col%\" AS i, x::date, :p -- :q %\n"
        "/* :r % */ FROM t WHERE k IN :ks AND j NOT IN :js AND l LIKE 'x%'"
    )
    text, keys = translate(sql, "postgresql")
    assert text == (
        "SELECT 'a:b %%' AS s, \"odd:col%%\" AS i, x::date, %(p)s -- :q %%\n"
        "/* :r %% */ FROM t WHERE k = ANY(%(ks)s) AND j <> ALL(%(js)s) AND l LIKE 'x%%'"
    )
    assert keys == {"ks", "js"}
    assert translate(sql, "postgresql") is translate(sql, "postgresql")  # cached


def test_sqlite_text_keeps_its_names_and_reads_key_lists_from_json():
    text, keys = translate("SELECT a FROM t WHERE b in :ids AND c Not In :other AND d = :d", "sqlite")
    assert text == (
        "SELECT a FROM t WHERE b IN (SELECT value FROM json_each(:ids)) "
        "AND c NOT IN (SELECT value FROM json_each(:other)) AND d = :d"
    )
    assert keys == {"ids", "other"}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_question_marks_are_refused(dialect):
    with pytest.raises(SqlTextError):
        translate("SELECT * FROM t WHERE a = ?", dialect)
    # ... but not inside quotes
    assert "'?'" in translate("SELECT '?'", dialect)[0]


@given(
    words=st.lists(
        st.sampled_from(
            [
                "a",
                "IN",
                "NOT",
                "=",
                "(",
                ")",
                ",",
                "'x:y%'",
                "::",
                "x",
                ":p",
                "%",
                '"q:%"',
                "--c\n",
                "/*:z*/",
                " ",
                "\n",
                "'it''s'",
            ]
        ),
        max_size=30,
    )
)
def test_translation_only_touches_parameters_and_percents(words):
    sql = " ".join(words)
    pg, keys = translate(sql, "postgresql")
    lite, lite_keys = translate(sql, "sqlite")
    assert keys == lite_keys
    if not keys:
        # Without key lists, SQLite's text is the statement itself, and PostgreSQL's is it
        # with every % doubled and each :name (outside quotes, comments, casts) in %()s form.
        assert lite == sql
        assert pg.replace("%%", "%").replace("%(p)s", ":p") == sql


# -- a database: SQLite file and PostgreSQL ---------------------------------------
def test_positional_text_marks_each_name_in_order():
    sql = "UPDATE t SET a = :a, b = ':b' WHERE id = :id AND c LIKE '%x' -- :c"
    assert positional(sql, "sqlite") == ("UPDATE t SET a = ?, b = ':b' WHERE id = ? AND c LIKE '%x' -- :c", ("a", "id"))
    assert positional(sql, "postgresql") == (
        "UPDATE t SET a = %s, b = ':b' WHERE id = %s AND c LIKE '%%x' -- :c",
        ("a", "id"),
    )
    with pytest.raises(SqlTextError, match="twice"):
        positional("SELECT :a, :a", "sqlite")
    with pytest.raises(SqlTextError, match="Keys"):
        positional("SELECT 1 WHERE x IN :xs", "sqlite")


def test_executemany_takes_rows_as_tuples(db):
    rows = [(n, f"L{n}", db.bindable(date(2026, 6, n))) for n in range(1, 5)]
    db.executemany("INSERT INTO scratch (id, label, on_day) VALUES (:id, :label, :on_day)", rows)
    db.executemany("UPDATE scratch SET label = :label WHERE id = :id", [("x", 2), ("y", 3)])
    got = db.rows("SELECT id, label, on_day FROM scratch ORDER BY id")
    assert [(i, label, day(d)) for i, label, d in got] == [
        (1, "L1", date(2026, 6, 1)),
        (2, "x", date(2026, 6, 2)),
        (3, "y", date(2026, 6, 3)),
        (4, "L4", date(2026, 6, 4)),
    ]
    # The same rows by name read back the same.
    assert db.rows("SELECT on_day FROM scratch WHERE on_day = :d", {"d": date(2026, 6, 4)}) == [got[3][2:]]
    with pytest.raises(SqlTextError, match="values for"):
        db.executemany("UPDATE scratch SET label = :label WHERE id = :id", [("x",)])
    if db.dialect == "sqlite":
        with pytest.raises(SqlTextError, match="ISO text"):
            db.executemany("UPDATE scratch SET on_day = :d WHERE id = :id", [(date(2026, 1, 1), 1)])


def test_dialect(db, ledger):
    assert db.dialect == ("sqlite" if ledger.location.sqlite_path else "postgresql")
    assert isinstance(db, Sql)
    assert sql_of(db) is db


def test_rows_one_scalar_execute_executemany(db):
    rows = [{"id": n, "label": f"L{n}", "on_day": date(2026, 6, n), "at_time": None} for n in range(1, 8)]
    db.executemany("INSERT INTO scratch (id, label, on_day, at_time) VALUES (:id, :label, :on_day, :at_time)", rows)
    db.executemany("INSERT INTO scratch (id) VALUES (:id)", [])  # nothing, no error
    assert db.scalar("SELECT count(*) FROM scratch") == 7
    got = db.rows("SELECT id, label FROM scratch WHERE on_day >= :since ORDER BY id", {"since": date(2026, 6, 5)})
    assert got == [(5, "L5"), (6, "L6"), (7, "L7")]
    assert all(type(row) is tuple for row in got)
    assert db.one("SELECT label FROM scratch WHERE id = :id", {"id": 3}) == ("L3",)
    assert db.one("SELECT label FROM scratch WHERE id = :id", {"id": 99}) is None
    assert db.scalar("SELECT label FROM scratch WHERE id = :id", {"id": 99}) is None
    assert db.execute("UPDATE scratch SET label = :label WHERE id <= :id", {"label": "x", "id": 4}) == 4
    assert db.execute("DELETE FROM scratch WHERE id = :id", {"id": 99}) == 0


def test_dates_round_trip_and_day_reads_either_form(db):
    at = datetime(2026, 6, 30, 15, 4, 5, 123456)
    db.execute("INSERT INTO scratch (id, on_day, at_time) VALUES (1, :d, :t)", {"d": date(2026, 6, 30), "t": at})
    on_day, at_time = db.one(
        "SELECT on_day, at_time FROM scratch WHERE on_day = :d AND at_time = :t", {"d": date(2026, 6, 30), "t": at}
    )
    assert day(on_day) == date(2026, 6, 30)
    assert day(at_time) == date(2026, 6, 30)
    if db.dialect == "sqlite":
        assert (on_day, at_time) == ("2026-06-30", "2026-06-30 15:04:05.123456")  # as SQLAlchemy stores them
    else:
        assert (on_day, at_time) == (date(2026, 6, 30), at)
    assert day(None) is None


@pytest.mark.parametrize("count", [0, 1, 3, 2500])
def test_a_key_list_is_one_parameter_whatever_its_length(db, count):
    db.executemany(
        "INSERT INTO scratch (id, label) VALUES (:id, :label)", [{"id": n, "label": f"L{n}"} for n in range(1, 3001)]
    )
    wanted = list(range(2, 2 + 2 * count, 2))
    got = db.rows("SELECT id FROM scratch WHERE id IN :ids ORDER BY id", {"ids": Keys(wanted)})
    assert [r[0] for r in got] == [n for n in wanted if n <= 3000]
    assert db.scalar("SELECT count(*) FROM scratch WHERE id NOT IN :ids", {"ids": Keys(wanted)}) == 3000 - len(
        [n for n in wanted if n <= 3000]
    )
    labels = Keys(f"L{n}" for n in wanted)
    assert db.scalar(
        "SELECT count(*) FROM scratch WHERE label IN :labels AND id > :low", {"labels": labels, "low": 0}
    ) == len([n for n in wanted if n <= 3000])


def test_key_lists_of_dates(db):
    db.executemany(
        "INSERT INTO scratch (id, on_day) VALUES (:id, :d)", [{"id": n, "d": date(2026, 6, n)} for n in range(1, 11)]
    )
    got = db.rows(
        "SELECT id FROM scratch WHERE on_day IN :days ORDER BY id", {"days": Keys([date(2026, 6, 2), date(2026, 6, 9)])}
    )
    assert got == [(2,), (9,)]


def test_keys_only_where_the_text_says_in(db):
    with pytest.raises(SqlTextError):
        db.rows("SELECT id FROM scratch WHERE id = :ids", {"ids": Keys([1])})
    with pytest.raises(SqlTextError):
        db.rows("SELECT id FROM scratch WHERE id IN :ids", {"ids": [1, 2]})


def test_quotes_casts_and_percents_reach_the_database_untouched(db):
    row = db.one("SELECT 'a:b', '100%', 'it''s :x', CAST(:n AS INTEGER) + 1, :s", {"n": 41, "s": "50% :y"})
    assert row == ("a:b", "100%", "it's :x", 42, "50% :y")
    if db.dialect == "postgresql":
        assert db.scalar("SELECT :d::date + 1", {"d": "2026-06-30"}) == date(2026, 7, 1)
        assert db.scalar("SELECT '2026-06-30'::date") == date(2026, 6, 30)
    assert db.scalar("SELECT count(*) FROM scratch WHERE label LIKE 'x%' -- :nothing %") == 0


def test_session_changes_are_flushed_before_a_statement(ledger):
    from ar_cli.store.tables import PayerRow

    with ledger.write() as session:
        session.add(PayerRow(code="FLUSHME", name="Flush", created_at=datetime(2026, 6, 30, tzinfo=UTC)))
        assert sql_of(session).scalar("SELECT name FROM payer WHERE code = :c", {"c": "FLUSHME"}) == "Flush"
        session.rollback()


def test_a_sql_follows_its_session_across_commits(ledger):
    from sqlmodel import Session

    from ar_cli.store.tables import PayerRow

    with Session(ledger.engine) as session:
        db = sql_of(session)
        session.add(PayerRow(code="ONE", name="One", created_at=datetime(2026, 6, 30, tzinfo=UTC)))
        session.commit()
        assert db.scalar("SELECT count(*) FROM payer WHERE code = :c", {"c": "ONE"}) == 1
        session.rollback()


@PG_SETTINGS
@given(value=TEXT, param=TEXT)
def test_any_literal_and_any_parameter_come_back_as_written(db, value, param):
    assert db.one(f"SELECT {_literal(value)}, :param", {"param": param}) == (value, param)


@PG_SETTINGS
@given(name=TEXT.filter(lambda s: s != ""))
def test_any_quoted_identifier_is_left_alone(db, name):
    quoted = '"' + name.replace('"', '""') + '"'
    assert db.scalar(f"SELECT :v AS {quoted}", {"v": 7}) == 7


def test_a_plain_sqlite_file(file_db):
    file_db.execute("CREATE TABLE t (id INTEGER, on_day TEXT)")
    file_db.executemany("INSERT INTO t VALUES (:id, :d)", [{"id": n, "d": date(2026, 1, n)} for n in range(1, 6)])
    assert file_db.dialect == "sqlite"
    assert file_db.rows(
        "SELECT id, on_day FROM t WHERE id IN :ids AND on_day > :d", {"ids": Keys([1, 4, 5]), "d": date(2026, 1, 3)}
    ) == [(4, "2026-01-04"), (5, "2026-01-05")]


def test_sql_of_refuses_what_it_cannot_speak_through():
    with pytest.raises(TypeError):
        sql_of(object())  # type: ignore[arg-type]
