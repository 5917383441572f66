"""The schema documentation renderer (pure)."""
from dbwork.dialects import get_dialect
from dbwork.diff.desired import desired_schema
from dbwork.docs.schema_md import schema_markdown

SQL = """CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE,
  note TEXT COMMENT 'free | text');
CREATE TABLE user_settings (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  theme VARCHAR(10) NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark')),
  UNIQUE (user_id));
CREATE INDEX ix_settings_theme ON user_settings (theme) WHERE theme = 'dark';"""


def test_every_table_column_key_index_and_comment():
    md = schema_markdown(desired_schema(SQL, get_dialect("mysql")), diagram="schema.svg")
    lines = md.splitlines()
    assert lines[0] == "# Database schema" and "![ER diagram](schema.svg)" in lines
    assert lines.index("## user_settings") < lines.index("## users")
    assert "| user_id | INTEGER | no |  | FK → users.id, unique |  |" in lines
    assert "| theme | VARCHAR(10) | no | 'light' |  |  |" in lines
    assert "| note | TEXT | yes |  |  | free \\| text |" in lines
    assert any("on delete cascade" in l for l in lines)
    assert any(l.startswith("- check constraint") and "light" in l for l in lines)
    assert "- index ix_settings_theme (theme) where theme = 'dark'" in lines
    assert "- referenced by: user_settings" in lines


def test_stable_output():
    s = desired_schema(SQL, get_dialect("postgresql"))
    assert schema_markdown(s) == schema_markdown(s)
