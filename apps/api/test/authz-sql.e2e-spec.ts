// The SQL made from CASL rules must select exactly the rows CASL itself allows, for every kind of
// rule set (allow/forbid order, field conditions, operators). Checked row by row on PostgreSQL.
import { DataSource } from 'typeorm';
import { AppAbility, abilityFromRules, record } from '../src/authz/ability';
import { accessibleSql } from '../src/authz/casl-sql';
import type { PermissionRule } from '../src/authz/permissions';
import { TestDatabase, createTestDatabase } from './support/test-database';

interface Row {
  id: number;
  userId: string | null;
  category: string;
  priority: number;
}

const ROWS: Row[] = [];
const users = ['u1', 'u2', null];
const categories = ['billing', 'security_report', 'account'];
let n = 0;
for (const userId of users) for (const category of categories) for (const priority of [1, 2, 3]) ROWS.push({ id: ++n, userId, category, priority });

const COLUMNS = { id: 't.id', userId: 't.user_id', category: 't.category', priority: 't.priority' };

const CASES: Array<[string, PermissionRule[]]> = [
  ['unconditional allow', [{ action: 'read', subject: 'Ticket' }]],
  ['nothing allowed', []],
  ['own records only', [{ action: 'read', subject: 'Ticket', conditions: { userId: 'u1' } }]],
  ['allow all but a forbidden category', [
    { action: 'read', subject: 'Ticket' },
    { action: 'read', subject: 'Ticket', inverted: true, conditions: { category: 'security_report' } },
  ]],
  ['forbid before allow does not apply (later rules win)', [
    { action: 'read', subject: 'Ticket', inverted: true, conditions: { category: 'security_report' } },
    { action: 'read', subject: 'Ticket' },
  ]],
  ['unconditional forbid after allow', [
    { action: 'read', subject: 'Ticket' },
    { action: 'read', subject: 'Ticket', inverted: true },
  ]],
  ['two allows, one forbid', [
    { action: 'read', subject: 'Ticket', conditions: { userId: 'u1' } },
    { action: 'read', subject: 'Ticket', conditions: { priority: { $gte: 3 } } },
    { action: 'read', subject: 'Ticket', inverted: true, conditions: { category: { $in: ['account', 'billing'] }, priority: { $lt: 3 } } },
  ]],
  ['operators: $ne, $nin, $lte, $gt, null', [
    { action: 'read', subject: 'Ticket', conditions: { userId: { $ne: 'u2' }, category: { $nin: ['account'] } } },
    { action: 'read', subject: 'Ticket', conditions: { userId: null, priority: { $lte: 1 } } },
    { action: 'read', subject: 'Ticket', inverted: true, conditions: { priority: { $gt: 2 }, userId: 'u1' } },
  ]],
  ['alternatives as separate rules, with null-safe forbids', [
    { action: 'read', subject: 'Ticket', conditions: { userId: 'u2' } },
    { action: 'read', subject: 'Ticket', conditions: { category: 'billing', priority: 2 } },
    { action: 'read', subject: 'Ticket', inverted: true, conditions: { userId: { $in: ['u1', 'u2'] }, priority: { $gte: 2 } } },
  ]],
  ['rules for another action or subject are ignored', [
    { action: 'update', subject: 'Ticket' },
    { action: 'read', subject: 'Generation' },
  ]],
];

describe('accessibleSql: rules to SQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    await ds.query('CREATE TABLE authz_rows (id int PRIMARY KEY, user_id text, category text NOT NULL, priority int NOT NULL)');
    for (const r of ROWS) await ds.query('INSERT INTO authz_rows VALUES ($1,$2,$3,$4)', [r.id, r.userId, r.category, r.priority]);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  async function selectedIds(ability: AppAbility): Promise<number[] | null> {
    const cond = accessibleSql(ability, 'read', 'Ticket', COLUMNS);
    if (cond === null) return null;
    const rows: Array<{ id: number }> = await ds.createQueryBuilder().select('t.id', 'id').from('authz_rows', 't').where(cond.sql, cond.params).orderBy('t.id').getRawMany();
    return rows.map((r) => Number(r.id));
  }

  it.each(CASES)('selects exactly the rows CASL allows: %s', async (_name, rules) => {
    const ability = abilityFromRules(rules);
    const expected = ROWS.filter((r) => ability.can('read', record('Ticket', r))).map((r) => r.id);
    const got = await selectedIds(ability);
    if (got === null) expect(expected).toEqual([]);
    else expect(got).toEqual(expected);
  });

  it('answers null (no query at all) when no rule allows the action', () => {
    expect(accessibleSql(abilityFromRules([{ action: 'read', subject: 'Generation' }]), 'read', 'Ticket', COLUMNS)).toBeNull();
  });

  it('refuses $or in a rule, which CASL itself would never match', () => {
    const ability = abilityFromRules([{ action: 'read', subject: 'Ticket', conditions: { $or: [{ userId: 'u1' }] } }]);
    expect(() => accessibleSql(ability, 'read', 'Ticket', COLUMNS)).toThrow(/may not use \$or/);
  });

  it('refuses a rule naming a field the query does not map, instead of widening access', () => {
    const ability = abilityFromRules([{ action: 'read', subject: 'Ticket', conditions: { secret: 'x' } }]);
    expect(() => accessibleSql(ability, 'read', 'Ticket', COLUMNS)).toThrow(/does not map to a column/);
  });
});
