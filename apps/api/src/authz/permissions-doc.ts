// Renders docs/permissions.md from the rules and the routes, so the published matrix is the code.
import { abilityFor } from './ability';
import type { AuthorizeRequirement } from './authorize.decorator';
import { Action, Actor, PermissionRule, STAFF_ROLE_NAMES, SUBJECTS, rulesFor } from './permissions';

export interface RouteInfo {
  method: string;
  path: string;
  requirement: AuthorizeRequirement | 'public' | 'signed-in';
}

export const DOC_ACTORS: Array<{ label: string; actor: Actor }> = [
  ...STAFF_ROLE_NAMES.map((role) => ({ label: role, actor: { kind: 'staff', id: `<${role}>`, role } as Actor })),
  { label: 'end user', actor: { kind: 'user', id: '<self>' } },
];

function describeRule(rule: PermissionRule): string {
  const actions = ([] as Action[]).concat(rule.action).join(', ');
  const fields = rule.fields ? ` (fields: ${rule.fields.join(', ')})` : '';
  const when = rule.conditions ? ` when ${JSON.stringify(rule.conditions).replace(/"/g, '')}` : '';
  const reason = rule.reason ? ` — ${rule.reason}` : '';
  return `${rule.inverted ? '**cannot**' : 'can'} ${actions}${fields}${when}${reason}`;
}

function areaOf(path: string): 'staff' | 'user' | 'none' {
  if (path.startsWith('/admin/')) return 'staff';
  if (path.startsWith('/v1/')) return 'user';
  return 'none';
}

/** Whether an actor passes the route guard (type level; services then check records and fields). */
export function routeAllows(route: RouteInfo, actor: Actor | undefined): boolean {
  if (route.requirement === 'public') return true;
  if (!actor) return false;
  const area = areaOf(route.path);
  if ((area === 'staff' && actor.kind !== 'staff') || (area === 'user' && actor.kind !== 'user') || area === 'none') return false;
  if (route.requirement === 'signed-in') return true;
  return abilityFor(actor).can(route.requirement.action, route.requirement.subject);
}

export function renderPermissionsDoc(routes: RouteInfo[]): string {
  const lines: string[] = [
    '# Permissions',
    '',
    'Generated from `apps/api/src/authz/permissions.ts` and the application’s router by',
    '`UPDATE_DOCS=1 npx jest apps/api/test/permission-matrix` (the same test fails when this file is stale).',
    'Deny by default: anything not allowed below is refused. Three layers enforce it: the route guard',
    '(table 2), a record check in services (conditions such as `userId: <self>`), and list queries',
    'filtered in SQL from the same rules. Field rules remove forbidden fields from responses.',
    '',
    '## 1. Rules per actor',
    '',
  ];
  for (const { label, actor } of DOC_ACTORS) {
    lines.push(`### ${label}`, '');
    for (const rule of rulesFor(actor)) lines.push(`- ${describeRule(rule)} **${([] as string[]).concat(rule.subject).join(', ')}**`);
    lines.push('');
  }
  lines.push('## 2. Subjects × actors (may do at least something)', '');
  lines.push(`| subject | ${DOC_ACTORS.map((a) => a.label).join(' | ')} |`, `|---|${DOC_ACTORS.map(() => '---').join('|')}|`);
  for (const subject of SUBJECTS) {
    const cells = DOC_ACTORS.map(({ actor }) => {
      const a = abilityFor(actor);
      const acts = (['read', 'create', 'update', 'delete'] as const).filter((act) => a.can(act, subject)).map((act) => act[0]?.toUpperCase());
      return acts.length ? acts.join('') : '—';
    });
    lines.push(`| ${subject} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'R read, C create, U update, D delete (other verbs are in section 1).', '');
  lines.push('## 3. Routes × actors (route guard)', '');
  lines.push(`| route | requires | anonymous | ${DOC_ACTORS.map((a) => a.label).join(' | ')} |`, `|---|---|---|${DOC_ACTORS.map(() => '---').join('|')}|`);
  const sorted = [...routes].sort((x, y) => x.path.localeCompare(y.path) || x.method.localeCompare(y.method));
  for (const r of sorted) {
    const req = typeof r.requirement === 'string' ? r.requirement : `${r.requirement.action} ${r.requirement.subject}`;
    const cell = (actor: Actor | undefined): string => (routeAllows(r, actor) ? '✓' : '—');
    lines.push(`| \`${r.method} ${r.path}\` | ${req} | ${cell(undefined)} | ${DOC_ACTORS.map(({ actor }) => cell(actor)).join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
