import type { Faker } from '@faker-js/faker';
import type { TypeFacts } from './column-kind.js';
import type { ColumnRules, SeedValue } from './types.js';

/**
 * One value for a column: first by what its name means (email, price, city…), shaped by its type; then by its
 * type alone. Every value respects the column's rules (length, range, allowed values) before it leaves here.
 */

export interface RowContext {
  /** The table's name: a bare `name` column means a person in users, a department in categories. */
  table: string;
  /** Person behind the row, so email, first and last name agree. */
  person: { first: string; last: string };
  /** Ordered timestamps of the row, taken by rank (created ≤ updated ≤ deleted). */
  moment(rank: number): Date;
}

export function valueFor(name: string, facts: TypeFacts, faker: Faker, row: RowContext): SeedValue {
  const rules = facts.rules;
  if (rules.allowed && rules.allowed.length > 0) return faker.helpers.arrayElement(rules.allowed);
  switch (facts.kind) {
    case 'boolean':
      return /^(is_)?(active|enabled|visible|published|verified)$/i.test(name)
        ? faker.datatype.boolean({ probability: 0.8 })
        : faker.datatype.boolean();
    case 'integer':
      return integerFor(name, rules, faker);
    case 'decimal':
      return decimalFor(name, rules, facts.scale ?? 2, faker);
    case 'float':
      return Number(
        faker.number
          .float({ min: bound(rules.min, 0), max: Math.min(bound(rules.max, 1000), 1000), fractionDigits: 3 })
          .toFixed(3),
      );
    case 'uuid':
      return faker.string.uuid();
    case 'date':
      return /birth|dob/i.test(name)
        ? isoDate(faker.date.birthdate({ mode: 'age', min: 18, max: 80, refDate: '2025-01-01T00:00:00Z' })).slice(0, 10)
        : isoDate(row.moment(rankOf(name))).slice(0, 10);
    case 'timestamp':
      return isoDate(row.moment(rankOf(name)));
    case 'time':
      return isoDate(faker.date.between({ from: '2025-01-01T00:00:00Z', to: '2025-01-01T23:59:59Z' })).slice(11, 19);
    case 'json':
      return { source: 'seed', [faker.word.noun()]: faker.number.int({ min: 1, max: 100 }) };
    case 'array':
      return Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () =>
        valueFor(name.replace(/s$/, ''), { kind: facts.element ?? 'text', rules: {} }, faker, row),
      );
    case 'enum':
      return null;
    default:
      if (facts.textFormat === 'inet') return faker.internet.ipv4();
      if (facts.textFormat === 'mac') return faker.internet.mac();
      if (facts.textFormat === 'interval') return `${faker.number.int({ min: 1, max: 90 })} days`;
      if (facts.textFormat === 'bytea') return `\\x${faker.string.hexadecimal({ length: 16, prefix: '' })}`;
      return fitText(textFor(name, faker, row), rules, faker);
  }
}

function textFor(name: string, faker: Faker, row: RowContext): string {
  const n = name.toLowerCase();
  if (/e_?mail/.test(n))
    return faker.internet.email({ firstName: row.person.first, lastName: row.person.last }).toLowerCase();
  if (/^(first_?name|given_?name|forename)$/.test(n)) return row.person.first;
  if (/^(last_?name|surname|family_?name)$/.test(n)) return row.person.last;
  if (n === 'name') return nameFor(row.table, faker, row);
  if (/^(full_?name|display_?name|author|contact_?name|customer_?name)$/.test(n))
    return `${row.person.first} ${row.person.last}`;
  if (/user_?name|login|handle/.test(n))
    return faker.internet.username({ firstName: row.person.first, lastName: row.person.last });
  if (/phone|mobile|fax/.test(n)) return faker.phone.number({ style: 'international' });
  if (/url|website|link|homepage/.test(n)) return faker.internet.url();
  if (/avatar|image|photo|picture/.test(n)) return faker.image.url();
  if (/slug/.test(n)) return faker.helpers.slugify(faker.lorem.words(3)).toLowerCase();
  if (/^(title|headline|subject|product_?name)$/.test(n)) return faker.commerce.productName();
  if (/description|summary|bio|about|body|content|note|comment|message/.test(n)) return faker.lorem.sentence();
  if (/country_?code|^country$/.test(n)) return faker.location.countryCode('alpha-2');
  if (/country/.test(n)) return faker.location.country();
  if (/city|town/.test(n)) return faker.location.city();
  if (/zip|postal|postcode/.test(n)) return faker.location.zipCode('#####');
  if (/street|address/.test(n)) return faker.location.streetAddress();
  if (/state|region|province/.test(n)) return faker.location.state();
  if (/currency/.test(n)) return faker.finance.currencyCode();
  if (/color|colour/.test(n)) return faker.color.human();
  if (/company|organi[sz]ation|employer/.test(n)) return faker.company.name();
  if (/status/.test(n)) return faker.helpers.arrayElement(['active', 'pending', 'archived']);
  if (/ip_?(address)?$/.test(n)) return faker.internet.ipv4();
  if (/token|secret|hash|code|sku|key|ref/.test(n)) return faker.string.alphanumeric(12).toUpperCase();
  if (/password/.test(n)) return faker.internet.password();
  if (/^(label|category|kind|type|tag|role)$/.test(n)) return faker.word.noun();
  return faker.lorem.words(2);
}

/** What a bare `name` means depends on what the table holds. */
function nameFor(table: string, faker: Faker, row: RowContext): string {
  const t = table.toLowerCase();
  if (/user|customer|author|person|people|member|employee|contact|student|patient|client|staff/.test(t))
    return `${row.person.first} ${row.person.last}`;
  if (/compan|organi[sz]ation|vendor|supplier|brand|tenant|team/.test(t)) return faker.company.name();
  if (/product|item|article|good/.test(t)) return faker.commerce.productName();
  if (/categor|department|genre|tag|topic|section/.test(t)) return faker.commerce.department();
  if (/city|town|place|location|store|shop|warehouse/.test(t)) return faker.location.city();
  return faker.lorem.words(2).replace(/^\w/, (char) => char.toUpperCase());
}

function integerFor(name: string, rules: ColumnRules, faker: Faker): number {
  const n = name.toLowerCase();
  const typical: [number, number] = /quantity|qty|count|amount|stock/.test(n)
    ? [1, 20]
    : /age$/.test(n)
      ? [18, 90]
      : /year/.test(n)
        ? [1990, 2025]
        : /rating|score|stars/.test(n)
          ? [1, 5]
          : /position|rank|order|priority|sort/.test(n)
            ? [1, 100]
            : [1, 1000];
  const min = Math.ceil(bound(rules.min, typical[0]) + (rules.minExclusive && Number.isInteger(rules.min) ? 1 : 0));
  const max = Math.floor(bound(rules.max, typical[1]) - (rules.maxExclusive && Number.isInteger(rules.max) ? 1 : 0));
  const low = Math.max(min, Math.min(typical[0], max));
  const high = Math.min(max, Math.max(typical[1], low));
  return faker.number.int({ min: low, max: high });
}

function decimalFor(name: string, rules: ColumnRules, scale: number, faker: Faker): string {
  const n = name.toLowerCase();
  const typical: [number, number] = /price|amount|total|cost|fee|balance|salary/.test(n)
    ? [1, 500]
    : /rate|ratio|percent|discount|tax/.test(n)
      ? [0, 1]
      : /lat/.test(n)
        ? [-90, 90]
        : /lon|lng/.test(n)
          ? [-180, 180]
          : [0, 100];
  const step = 10 ** -scale;
  const min = bound(rules.min, typical[0]) + (rules.minExclusive ? step : 0);
  const max = bound(rules.max, typical[1]) - (rules.maxExclusive ? step : 0);
  const low = Math.max(min, Math.min(typical[0], max));
  const high = Math.min(max, Math.max(typical[1], low));
  const value = faker.number.float({ min: low, max: high, fractionDigits: scale });
  return Math.min(Math.max(value, low), high).toFixed(scale);
}

/** Cuts or pads text to the column's length bounds; fixed-size char(n) keeps the value's start. */
export function fitText(text: string, rules: ColumnRules, faker: Faker): string {
  let value = text;
  if (rules.maxLength !== undefined && value.length > rules.maxLength) {
    value = value.slice(0, rules.maxLength).trimEnd();
    if (value.length === 0) value = text.slice(0, rules.maxLength);
  }
  if (rules.minLength !== undefined && value.length < rules.minLength)
    value += faker.string.alpha({ length: rules.minLength - value.length, casing: 'lower' });
  return value;
}

function bound(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

/** Creation first, then changes, then endings: a row's timestamps come out in the order their names imply. */
function rankOf(name: string): number {
  const n = name.toLowerCase();
  if (/creat|insert|register|sign(ed)?_?up|join|birth|dob/.test(n)) return 0;
  if (/start|begin|placed|opened|ordered|issued|from/.test(n)) return 1;
  if (/updat|modif|chang|edit/.test(n)) return 3;
  if (/delet|archiv|end|finish|complet|closed|cancel|expir|until|due|ship|deliver|paid/.test(n)) return 4;
  return 2;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
