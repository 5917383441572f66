"""A change with its own '-- migrate:down' section is not told its data changes have no
rollback (DW208). Without one, dbwork backs the rows up itself (no DW208 either), and
a lint of the bare statements still says it."""
import dbwork

CHANGE = """CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO authors (id, name) VALUES (1, 'Le Guin');
"""
DOWN = "-- migrate:down\nDROP TABLE authors;\n"


def test_explicit_down_answers_dw208(tmp_path):
    wb = dbwork.connect(f"sqlite:///{tmp_path}/a.sqlite", tmp_path / "m")
    try:
        with_down = wb.migrate("own_down", CHANGE + DOWN, dry_run=True)
        assert not any(w.startswith("DW208") for w in with_down.warnings), with_down.warnings
        backed_up = wb.migrate("plain", CHANGE, dry_run=True)
        assert not any(w.startswith("DW208") for w in backed_up.warnings)
        assert any("backup" in w for w in backed_up.warnings)
        assert any(f.rule == "DW208" for f in wb.lint(CHANGE))
        assert not any(f.rule == "DW208" for f in wb.lint(CHANGE + DOWN))
    finally:
        wb.close()
