CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE,
  sku VARCHAR(20) NOT NULL UNIQUE,
  qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0),
  note TEXT,
  CONSTRAINT uq_items_parent_sku UNIQUE (parent_id, sku),
  CONSTRAINT ck_items_sku CHECK (sku <> '')
);
CREATE INDEX ix_items_qty ON items (qty);
