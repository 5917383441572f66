"""A password in the URL never shows: not in reprs, migration text, cards, files,
history rows, errors or the CLI's output (servers here use trust auth, so any password
connects)."""
import dbwork
from dbwork.errors import DbworkError

SECRET = "s3cr3t-Pa55"


def with_password(url: str) -> str:
    scheme, rest = url.split("://", 1)
    user_host = rest.split("@", 1)
    if len(user_host) == 2:
        user, host = user_host
        user = user.split(":", 1)[0]
    else:
        user, host = "root", user_host[0]
    return f"{scheme}://{user}:{SECRET}@{host}"


def mariadb_user(url: str) -> str:
    """MariaDB checks passwords (root has none here): a user that has one."""
    import pymysql
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(url)
    conn = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username or "root",
                           password=u.password or "", autocommit=True)
    with conn.cursor() as c:
        c.execute("DROP USER IF EXISTS 'dbw_cred'@'%'")
        c.execute(f"CREATE USER 'dbw_cred'@'%' IDENTIFIED BY '{SECRET}'")
        c.execute(f"GRANT ALL ON `{u.database}`.* TO 'dbw_cred'@'%'")
    conn.close()
    return f"mariadb://dbw_cred:{SECRET}@{u.host}:{u.port or 3306}/{u.database}"


def drop_mariadb_user(url: str) -> None:
    import pymysql
    from dbwork.url import DatabaseURL
    u = DatabaseURL.parse(url)
    conn = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username or "root",
                           password=u.password or "", autocommit=True)
    with conn.cursor() as c:
        c.execute("DROP USER IF EXISTS 'dbw_cred'@'%'")
    conn.close()


def test_password_never_shows(backend, backend_url, tmp_path, capsys):
    if backend == "sqlite":
        return  # no credentials in a file URL
    url = mariadb_user(backend_url) if backend == "mariadb" else with_password(backend_url)
    wb = dbwork.connect(url, migrations=tmp_path / "migrations")
    seen = [repr(wb), str(wb.url), repr(wb.url), wb.display_url]
    m = wb.migrate("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);")
    seen += [repr(m), str(m), m._repr_html_(), m.up, m.down]
    seen += [p.read_text() for p in (tmp_path / "migrations").iterdir()]
    seen.append(wb.history().to_string())
    for r in wb.backend.history():
        seen += [r.up, r.down, str(r.extra), r.error or ""]
    try:
        wb.migrate("bad", "CREATE TABLE t (id INTEGER);")
    except DbworkError as e:
        seen.append(str(e))
    wrong_port = url.replace("5432", "1").replace("3306", "1")
    try:
        dbwork.connect(wrong_port).schema()
    except DbworkError as e:
        seen.append(str(e))
    from dbwork.cli import main
    main(["--url", url, "--migrations", str(tmp_path / "migrations"), "history"])
    main(["--url", wrong_port, "pending"])
    out = capsys.readouterr()
    seen += [out.out, out.err]
    wb.rollback()
    wb.close()
    if backend == "mariadb":
        drop_mariadb_user(backend_url)
    assert all(SECRET not in text for text in seen)
    assert any("***" in text for text in seen)
