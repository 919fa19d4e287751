import { ruleCases } from './run.js';

const indexed = {
  catalog: {
    snapshot: {
      tables: [
        { name: 'orders', indexes: [{ name: 'orders_user_id_created_idx', columns: ['user_id', 'created_at'] }] },
        { name: 'users' },
      ],
    },
  },
};

ruleCases('foreign-key-missing-index', {
  bad: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
          separateMigration: true,
        },
      ],
    },
    {
      sql: 'CREATE TABLE items (id bigint, order_id bigint, tenant_id bigint);\nALTER TABLE items ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);',
      fix: [/^CREATE INDEX items_tenant_id_order_id_idx ON items \(tenant_id, order_id\);$/],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);',
      fix: [/CREATE INDEX CONCURRENTLY orders_coupon_id_idx ON orders \(coupon_id\);/],
    },
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (created_at) REFERENCES days (d) NOT VALID;',
      options: indexed,
      severity: 'warning',
    },
    {
      // The index made later does not start with the key's columns.
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (created_at) REFERENCES days (d) NOT VALID;\nCREATE INDEX orders_status_created_idx ON orders (status, created_at);',
      options: indexed,
      severity: 'warning',
    },
    // supabase/auth oauth_consents: a partial index skips rows the cascade must find (PostgreSQL 15 plans
    // DELETE FROM ONLY oauth_consents WHERE client_id = $1 as a scan; a client delete: seq scans, no index scan).
    {
      sql: 'CREATE TABLE consents (id uuid PRIMARY KEY, client_id uuid REFERENCES clients (id), revoked_at timestamptz);\nCREATE INDEX consents_active_client_idx ON consents (client_id) WHERE revoked_at IS NULL;',
      count: 1,
      message: /its index consents_active_client_idx is partial: deletes and key updates on clients cannot use it/,
    },
    {
      sql: 'CREATE TABLE consents (id uuid PRIMARY KEY, client_id uuid REFERENCES clients (id), revoked_at timestamptz);\nCREATE INDEX consents_client_revoked_idx ON consents (client_id, revoked_at) WHERE revoked_at IS NOT NULL;',
      count: 1,
    },
  ],
  good: [
    // Equality on client_id implies client_id IS NOT NULL: PostgreSQL 15 plans the cascade on this index.
    {
      sql: 'CREATE TABLE consents (id uuid PRIMARY KEY, client_id uuid REFERENCES clients (id));\nCREATE INDEX consents_client_idx ON consents (client_id) WHERE client_id IS NOT NULL;',
    },
    {
      sql: 'CREATE TABLE consents (id uuid PRIMARY KEY, cid uuid REFERENCES clients (id));\nCREATE INDEX consents_client_idx ON consents (cid) WHERE cid IS NOT NULL;\nALTER TABLE consents RENAME COLUMN cid TO client_id;',
    },
    { sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', options: indexed },
    // The lookup is equality on each column: an index on them in another order serves it (langfuse's trace_media;
    // PostgreSQL 15 plans the cascade as an index scan on (project_id, media_id)).
    {
      sql: 'CREATE TABLE media (id text, project_id text, PRIMARY KEY (project_id, id), UNIQUE (id, project_id));\nCREATE TABLE trace_media (id text PRIMARY KEY, media_id text, project_id text);\nCREATE INDEX trace_media_pm_idx ON trace_media (project_id, media_id);\nALTER TABLE trace_media ADD FOREIGN KEY (media_id, project_id) REFERENCES media (id, project_id);',
    },
    {
      sql: 'CREATE TABLE conv (project_id text, id text, PRIMARY KEY (project_id, id));\nCREATE TABLE msg (project_id text, conversation_id text, n int, PRIMARY KEY (conversation_id, project_id, n), FOREIGN KEY (project_id, conversation_id) REFERENCES conv (project_id, id));',
    },
    // A unique key on some of the columns matches at most one row (ente's trash: PRIMARY KEY (file_id)).
    {
      sql: 'CREATE TABLE cf (file_id bigint, collection_id bigint, PRIMARY KEY (file_id, collection_id));\nCREATE TABLE trash (file_id bigint PRIMARY KEY, collection_id bigint, FOREIGN KEY (file_id, collection_id) REFERENCES cf (file_id, collection_id));',
    },
    // The index follows its column through a rename.
    {
      sql: 'CREATE TABLE items (id bigint, order_ref bigint);\nCREATE INDEX items_order_ref_idx ON items (order_ref);\nALTER TABLE items RENAME COLUMN order_ref TO order_id;\nALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES orders (id);',
    },
    {
      sql: 'CREATE TABLE items (id bigint, order_id bigint);\nCREATE INDEX items_order_id_idx ON items (order_id);\nALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES orders (id);',
    },
    {
      sql: 'CREATE TABLE items (order_id bigint, sku text, PRIMARY KEY (order_id, sku));\nALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES orders (id);',
    },
    {
      // knex's order: the table, then its foreign key, then the index — all before any row can exist.
      sql: 'CREATE TABLE items (id bigint, order_id bigint);\nALTER TABLE items ADD CONSTRAINT items_order_id_foreign FOREIGN KEY (order_id) REFERENCES orders (id);\nCREATE INDEX items_order_id_index ON items (order_id);',
    },
    { sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;' },
    // An existing table whose index the same migration creates after the foreign key.
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      options: indexed,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);\nCREATE INDEX orders_coupon_id_idx ON orders (coupon_id);',
    },
    // The table (or the column) renamed after the foreign key: the index is created under the new name.
    {
      sql: 'CREATE TABLE invoices (id bigint, user_id bigint);\nALTER TABLE invoices ADD FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE invoices RENAME TO bills;\nCREATE INDEX bills_user_id_idx ON bills (user_id);',
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN coupon bigint REFERENCES coupons (id);\nALTER TABLE orders RENAME COLUMN coupon TO coupon_id;\nCREATE INDEX orders_coupon_id_idx ON orders (coupon_id);',
    },
  ],
});
