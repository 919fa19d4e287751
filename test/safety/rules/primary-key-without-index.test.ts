import { existing, ruleCases } from './run.js';

ruleCases('primary-key-without-index', {
  bad: [
    // cal.com's key swap: the new index cannot take the old key's name while the old key holds it.
    {
      sql: 'ALTER TABLE "SelectedCalendar" DROP CONSTRAINT "SelectedCalendar_pkey",\nADD CONSTRAINT "SelectedCalendar_pkey" PRIMARY KEY ("id");',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE "SelectedCalendar" ("id" int NOT NULL, "userId" int NOT NULL, CONSTRAINT "SelectedCalendar_pkey" PRIMARY KEY ("userId"));',
            },
          ],
        },
      },
      fix: [
        { sql: /^CREATE UNIQUE INDEX CONCURRENTLY "SelectedCalendar_pkey_new" ON "SelectedCalendar" \(id\);$/ },
        /ALTER TABLE "SelectedCalendar" DROP CONSTRAINT "SelectedCalendar_pkey", ADD CONSTRAINT "SelectedCalendar_pkey" PRIMARY KEY USING INDEX "SelectedCalendar_pkey_new";$/,
      ],
    },
    {
      sql: 'ALTER TABLE events ADD PRIMARY KEY (id);',
      fix: [
        { sql: /^CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events \(id\);$/, outsideTransaction: true },
        /ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;/,
        /CHECK \(id IS NOT NULL\) NOT VALID/,
      ],
    },
    {
      sql: 'ALTER TABLE events ADD CONSTRAINT events_pk PRIMARY KEY (tenant_id, id);',
      options: existing({
        events: [
          ['tenant_id', 'int8', true],
          ['id', 'int8', true],
        ],
      }),
      fix: [/CREATE UNIQUE INDEX CONCURRENTLY events_pk ON events \(tenant_id, id\);/],
    },
    { sql: 'ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;' },
    {
      sql: 'ALTER TABLE events ADD PRIMARY KEY (id);',
      options: { rowCounts: { events: 9_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;' },
    { sql: 'CREATE TABLE events (id bigint);\nALTER TABLE events ADD PRIMARY KEY (id);' },
    { sql: 'CREATE TABLE events (id bigint PRIMARY KEY);' },
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);' },
  ],
});
