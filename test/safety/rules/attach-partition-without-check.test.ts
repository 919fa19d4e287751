import { ruleCases } from './run.js';

const withCheck = {
  catalog: {
    snapshot: {
      tables: [
        { name: 'measurements' },
        { name: 'measurements_2024', columns: [{ name: 'logdate', type: 'date', notNull: true, hasDefault: false }] },
      ],
    },
  },
};

ruleCases('attach-partition-without-check', {
  bad: [
    {
      sql: "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      fix: [
        /EXECUTE format\('ALTER TABLE measurements_2024 ADD CONSTRAINT measurements_2024_partition_bounds CHECK \(%1\$s IS NOT NULL AND %1\$s >= ''2024-01-01'' AND %1\$s < ''2025-01-01''\) NOT VALID', key_column\);/,
        /WHERE p\.partrelid = 'measurements'::regclass/,
        {
          sql: /^ALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_partition_bounds;$/,
          separateMigration: true,
        },
        {
          sql: /^ALTER TABLE measurements_2024 DROP CONSTRAINT measurements_2024_partition_bounds;$/,
          separateMigration: true,
        },
      ],
    },
    {
      sql: "ALTER TABLE orders ATTACH PARTITION orders_eu FOR VALUES IN ('de', 'fr');",
      fix: [/%1\$s IN \(''de'', ''fr''\)/],
    },
    {
      sql: 'ALTER TABLE m ATTACH PARTITION m_low FOR VALUES FROM (MINVALUE) TO (100);',
      fix: [/CHECK \(%1\$s IS NOT NULL AND %1\$s < 100\)/],
    },
    {
      sql: 'ALTER TABLE h ATTACH PARTITION h_0 FOR VALUES WITH (MODULUS 4, REMAINDER 0);',
      fix: [/ATTACH PARTITION h_0/],
    },
  ],
  good: [
    {
      sql: "ALTER TABLE measurements_2024 ADD CONSTRAINT b CHECK (logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;\nALTER TABLE measurements_2024 VALIDATE CONSTRAINT b;\nALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      options: withCheck,
    },
    {
      sql: "CREATE TABLE m_2024 (d date);\nALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    { sql: "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');" },
  ],
});
