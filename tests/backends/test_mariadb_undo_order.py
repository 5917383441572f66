"""MariaDB runs DDL outside transactions: when a late statement of a migration that
made several tables linked by foreign keys fails, dbwork undoes the steps that ran in
dependency order (referencing keys and tables first), so the database ends as it was:
schema, rows and history."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbwork.errors import MigrationFailed

SETUP = ("CREATE TABLE `keep` (id INT PRIMARY KEY, label VARCHAR(20));\n"
         "INSERT INTO `keep` VALUES (1, 'one'), (2, 'two');")

SEVERAL = (
    "CREATE TABLE `Account` (id INT NOT NULL PRIMARY KEY, `keepId` INT, "
    "CONSTRAINT `Account_keep_fkey` FOREIGN KEY (`keepId`) REFERENCES `keep` (id));\n"
    "CREATE TABLE `User` (id INT NOT NULL PRIMARY KEY, `accountId` INT NOT NULL, "
    "email VARCHAR(80), CONSTRAINT `User_accountId_fkey` FOREIGN KEY (`accountId`) "
    "REFERENCES `Account` (id));\n"
    "CREATE UNIQUE INDEX `User_email_key` ON `User` (email);\n"
    "CREATE TABLE `Post` (id INT NOT NULL PRIMARY KEY, `userId` INT NOT NULL, "
    "CONSTRAINT `Post_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (id));\n"
    "CREATE TABLE `Comment` (id INT NOT NULL PRIMARY KEY, `postId` INT, `userId` INT, "
    "CONSTRAINT `Comment_postId_fkey` FOREIGN KEY (`postId`) REFERENCES `Post` (id), "
    "CONSTRAINT `Comment_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (id));\n"
    # an existing table now points at a new one: it must lose that key before User goes
    "ALTER TABLE `keep` ADD COLUMN `ownerId` INT;\n"
    "ALTER TABLE `keep` ADD CONSTRAINT `keep_ownerId_fkey` FOREIGN KEY (`ownerId`) "
    "REFERENCES `User` (id);\n"
    "INSERT INTO `Account` VALUES (1, 1);\n"
    "INSERT INTO `User` VALUES (1, 1, 'a@example.org');\n"
    "INSERT INTO `Post` VALUES (1, 1);\n"
)
# the late statement fails on the server only: its comment points at no post (1452)
LATE_FAILURE = "INSERT INTO `Comment` VALUES (1, 99, 1);"


def _rows(wb) -> dict:
    with wb.backend.connect() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if not n.startswith(("dbwork", "_dbwork"))]
        return {n: sorted(conn.exec_driver_sql(f"SELECT * FROM `{n}`").all()) for n in names}


@pytest.fixture
def maria_wb(make_wb):
    return make_wb("mariadb")


@pytest.mark.parametrize("down", [None, "DROP TABLE `User`;\nDROP TABLE `Account`;"],
                         ids=["generated", "explicit-down-in-wrong-order"])
def test_a_late_failure_after_several_linked_tables_leaves_the_database_as_it_was(
        maria_wb, down):
    wb = maria_wb
    wb.migrate("keep", SETUP)
    start_schema, start_rows = wb.schema(), _rows(wb)
    text = SEVERAL + LATE_FAILURE + (f"\n-- migrate:down\n{down}" if down else "")
    with pytest.raises(MigrationFailed) as info:
        wb.migrate("several", text)
    e = info.value
    assert e.undone and e.name == "several" and "INSERT INTO `Comment`" in e.statement
    assert "as it was" in str(e)
    assert wb.schema() == start_schema
    assert _rows(wb) == start_rows
    hist = wb.history().set_index("name")
    assert hist.loc["several", "status"] == "rolled_back"
    assert hist.loc["keep", "status"] == "applied"
    # nothing is left to undo: the next rollback takes back the setup, as for any head
    wb.rollback()
    assert _rows(wb) == {}
