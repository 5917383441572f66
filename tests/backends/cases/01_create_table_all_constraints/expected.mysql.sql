-- step 1: create table items (5 columns)
CREATE TABLE items (
    id INTEGER NOT NULL, 
    parent_id INTEGER NOT NULL, 
    sku VARCHAR(20) NOT NULL, 
    qty INTEGER NOT NULL DEFAULT 0, 
    note TEXT, 
    PRIMARY KEY (id), 
    FOREIGN KEY(parent_id) REFERENCES parents (id) ON DELETE CASCADE, 
    UNIQUE (sku), 
    CONSTRAINT uq_items_parent_sku UNIQUE (parent_id, sku), 
    CHECK (qty >= 0), 
    CONSTRAINT ck_items_sku CHECK (sku <> '')
);

-- step 2: create index ix_items_qty on items (qty)
CREATE INDEX ix_items_qty ON items (qty);

-- migrate:down
-- step 2: create index ix_items_qty on items (qty)
DROP INDEX ix_items_qty ON items;

-- step 1: create table items (5 columns)
DROP TABLE items;
