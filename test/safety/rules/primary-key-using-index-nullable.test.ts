import { existing, ruleCases } from './run.js';

const snapshot = (idNotNull: boolean) => ({
  catalog: {
    snapshot: {
      tables: [
        {
          name: 'events',
          columns: [
            { name: 'id', type: 'int8', notNull: idNotNull, hasDefault: false },
            { name: 'tenant_id', type: 'int8', notNull: true, hasDefault: false },
          ],
          indexes: [
            { name: 'events_id_idx', columns: ['id'], unique: true },
            { name: 'events_tenant_id_idx', columns: ['tenant_id', 'id'], unique: true },
          ],
        },
      ],
    },
  },
});

ruleCases('primary-key-using-index-nullable', {
  bad: [
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;',
      options: snapshot(false),
      fix: [
        /ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK \(id IS NOT NULL\) NOT VALID;/,
        { sql: /^ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;$/, separateMigration: true },
        /ALTER TABLE events ALTER COLUMN id SET NOT NULL;/,
        { sql: /PRIMARY KEY USING INDEX events_id_idx;$/, separateMigration: true },
      ],
    },
    {
      sql: 'ALTER TABLE events ADD PRIMARY KEY USING INDEX events_tenant_id_idx;',
      options: snapshot(false),
      fix: [/CHECK \(id IS NOT NULL\)/],
    },
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT pk PRIMARY KEY USING INDEX events_id_idx;',
      options: snapshot(false),
      count: 1,
    },
  ],
  good: [
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;',
      options: snapshot(true),
    },
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX unknown_idx;',
      options: snapshot(false),
    },
    { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);', options: snapshot(false) },
    {
      sql: 'ALTER TABLE other ADD CONSTRAINT other_pkey PRIMARY KEY USING INDEX other_idx;',
      options: existing({ other: undefined }),
    },
  ],
});
