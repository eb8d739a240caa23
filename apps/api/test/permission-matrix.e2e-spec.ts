// Every route of the API (read from the router, so a new route cannot be forgotten) × every actor:
// anonymous, each staff role, end user A and end user B. The expected status follows from the
// route's declaration (@Public, @SignedIn, @Authorize) and the rules; docs/permissions.md is
// generated from the same data and must be up to date.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import type { Actor, StaffRoleName } from '../src/authz/permissions';
import { STAFF_ROLE_NAMES } from '../src/authz/permissions';
import { AUTHORIZE_KEY, AuthorizeRequirement, SIGNED_IN } from '../src/authz/authorize.decorator';
import { RouteInfo, renderPermissionsDoc, routeAllows } from '../src/authz/permissions-doc';
import { PUBLIC_ROUTE } from '../src/identity/auth.decorators';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

const DOC = path.resolve(__dirname, '../../../docs/permissions.md');
/** Routes the OpenAPI module registers directly on Express: public documentation, not controllers. */
const INFRASTRUCTURE = /^\/docs(-json|-yaml)?(\/|$)/;

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

function joinPath(...parts: string[]): string {
  const p = `/${parts.flatMap((x) => x.split('/')).filter(Boolean).join('/')}`;
  return p === '' ? '/' : p;
}

/** Controllers' handlers with their declarations, from Nest's module container. */
function declaredRoutes(t: TestApp): Map<string, RouteInfo['requirement'] | undefined> {
  const out = new Map<string, RouteInfo['requirement'] | undefined>();
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...a: never[]) => object) | null;
      if (!type) continue;
      const classPath = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
      const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, type) === true;
      const classReq = Reflect.getMetadata(AUTHORIZE_KEY, type) as AuthorizeRequirement | typeof SIGNED_IN | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (methodPath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) === true || classPublic;
        const req = (Reflect.getMetadata(AUTHORIZE_KEY, handler) as AuthorizeRequirement | typeof SIGNED_IN | undefined) ?? classReq;
        const requirement: RouteInfo['requirement'] | undefined = isPublic ? 'public' : req === SIGNED_IN ? 'signed-in' : req;
        out.set(`${method} ${joinPath(classPath, methodPath)}`, requirement);
      }
    }
  }
  return out;
}

/** What Express actually routes (the ground truth). */
function routerRoutes(t: TestApp): Array<{ method: string; path: string }> {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((m) => ({ method: m.toUpperCase(), path: layer.route?.path ?? '' })) : [],
  );
}

describe('permission matrix: every route × every actor', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  const staffIds = new Map<StaffRoleName, string>();
  let userA: { id: string; token: string };
  let userB: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of STAFF_ROLE_NAMES) staffIds.set(role, await ensureStaff(t.app, role));
    userA = await userWithToken(t.app, 'user.a@example.test');
    userB = await userWithToken(t.app, 'user.b@example.test');
    const declared = declaredRoutes(t);
    const live = routerRoutes(t).filter((r) => !INFRASTRUCTURE.test(r.path));
    const undeclared: string[] = [];
    routes = live.map(({ method, path: p }) => {
      const requirement = declared.get(`${method} ${p}`);
      if (!requirement) undeclared.push(`${method} ${p}`);
      return { method, path: p, requirement: requirement ?? 'public' };
    });
    // Kept for the first test's message: a route with no declaration is refused for everyone.
    (routes as RouteInfo[] & { undeclared?: string[] }).undeclared = undeclared;
  });
  afterAll(() => t.close());

  it('finds the application’s routes, and every one declares @Public, @SignedIn or @Authorize', () => {
    expect(routes.length).toBeGreaterThan(8);
    expect((routes as RouteInfo[] & { undeclared?: string[] }).undeclared).toEqual([]);
  });

  it('publishes the matrix in docs/permissions.md, generated from the rules and these routes', () => {
    const doc = renderPermissionsDoc(routes);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, doc);
    expect(readFileSync(DOC, 'utf8')).toBe(doc);
  });

  type Caller = { label: string; actor: Actor | undefined; token: () => Promise<string | undefined> };
  const callers = (): Caller[] => [
    { label: 'anonymous', actor: undefined, token: async () => undefined },
    ...STAFF_ROLE_NAMES.map((role) => {
      const id = () => staffIds.get(role) ?? '';
      return { label: role, actor: { kind: 'staff', id: id(), role } as Actor, token: () => issueStaffToken(t.app, id()) };
    }),
    { label: 'user A', actor: { kind: 'user', id: userA.id }, token: async () => (await userWithToken(t.app, 'user.a@example.test')).token },
    { label: 'user B', actor: { kind: 'user', id: userB.id }, token: async () => (await userWithToken(t.app, 'user.b@example.test')).token },
  ];

  it('answers each route with the status its declaration and the rules imply, for every actor', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      for (const caller of callers()) {
        const token = await caller.token();
        const url = route.path.replace(/:[A-Za-z]+/g, () => randomUUID());
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        let req = request(t.server)[method](url);
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        if (['post', 'put', 'patch'].includes(method)) req = req.send({});
        const res = await req;
        const allowed = routeAllows(route, caller.actor);
        const denied = res.status === 401 || res.status === 403;
        const expectedDenial = caller.actor === undefined || (route.path.startsWith('/admin/') ? caller.actor.kind !== 'staff' : caller.actor.kind !== 'user') ? 401 : 403;
        if (allowed && denied) mismatches.push(`${route.method} ${route.path} as ${caller.label}: expected to pass the guard, got ${res.status}`);
        if (!allowed && res.status !== expectedDenial) mismatches.push(`${route.method} ${route.path} as ${caller.label}: expected ${expectedDenial}, got ${res.status}`);
        // 503 BILLING_NOT_CONFIGURED is the documented answer of payment routes on an installation without Stripe keys (as here).
        if (res.status >= 500 && !(res.status === 503 && (res.body as { code?: string }).code === 'BILLING_NOT_CONFIGURED')) mismatches.push(`${route.method} ${route.path} as ${caller.label}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
