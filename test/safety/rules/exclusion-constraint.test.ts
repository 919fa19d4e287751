import { ruleCases } from './run.js';

ruleCases('exclusion-constraint', {
  bad: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);',
      fix: [
        {
          sql: /^SET lock_timeout = '5s';\nALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE/,
          separateMigration: true,
        },
      ],
    },
    { sql: 'ALTER TABLE app.bookings ADD EXCLUDE USING gist (during WITH &&);' },
    {
      sql: 'ALTER TABLE bookings ADD EXCLUDE (room_id WITH =);',
      options: { rowCounts: { bookings: 4_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    {
      sql: 'CREATE TABLE bookings (room_id int, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));',
    },
    { sql: 'CREATE TABLE bookings (room_id int);\nALTER TABLE bookings ADD EXCLUDE (room_id WITH =);' },
    { sql: 'ALTER TABLE bookings ADD CONSTRAINT c CHECK (room_id > 0) NOT VALID;' },
  ],
});
