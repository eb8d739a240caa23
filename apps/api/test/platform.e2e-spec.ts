import request from 'supertest';
import { StaffService } from '../src/identity/staff.service';
import { TestApp, startTestApp } from './support/test-app';

describe('platform: errors, health, docs, staff sign-in and logs', () => {
  let t: TestApp;
  const password = 'correct horse battery';

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '2kb' } });
    await t.app.get(StaffService).ensure('ops@soar2.test', 'Ops Admin', 'admin', password);
    await t.app.get(StaffService).ensure('agent@soar2.test', 'Agent', 'support_agent', password);
  });
  afterAll(() => t.close());

  it('answers liveness and readiness with the database checked', async () => {
    await request(t.server).get('/health').expect(200).expect((r) => expect(r.body.status).toBe('ok'));
    const ready = await request(t.server).get('/health/ready').expect(200);
    expect(ready.body.checks.database.status).toBe('up');
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the error shape', async () => {
    const r = await request(t.server).get('/v1/does-not-exist').expect(404);
    expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'ROUTE_NOT_FOUND', message: 'There is no endpoint GET /v1/does-not-exist.' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await request(t.server).post('/admin/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c",').expect(400);
    expect(r.body.code).toBe('MALFORMED_JSON');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await request(t.server).post('/admin/auth/login').send({ email: 'a@b.co', password: 'x'.repeat(5000) }).expect(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.body.message).toMatch(/larger than the limit/);
  });

  it('rejects unknown and invalid fields with 422 and a message per field', async () => {
    const r = await request(t.server).post('/admin/auth/login').send({ email: 'not-an-email', password: '', role: 'admin' }).expect(422);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(r.body.errors).sort()).toEqual(['email', 'password', 'role']);
    expect(r.body.errors.role).toBe('The field "role" is not allowed.');
  });

  it('signs staff in, lists staff for admins, and refuses other roles and missing tokens', async () => {
    const login = await request(t.server).post('/admin/auth/login').send({ email: 'OPS@soar2.test', password }).expect(200);
    expect(login.body.staff).toMatchObject({ email: 'ops@soar2.test', role: 'admin' });
    const list = await request(t.server).get('/admin/staff').query({ sort: '["email","ASC"]', range: '[0,0]' }).set('Authorization', `Bearer ${login.body.token}`).expect(200);
    expect(list.headers['content-range']).toBe('staff 0-0/2');
    expect(list.body).toHaveLength(1);
    expect(list.body[0].passwordHash).toBeUndefined();

    const agent = await request(t.server).post('/admin/auth/login').send({ email: 'agent@soar2.test', password }).expect(200);
    await request(t.server).get('/admin/staff').set('Authorization', `Bearer ${agent.body.token}`).expect(403);
    const anon = await request(t.server).get('/admin/staff').expect(401);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    await request(t.server).get('/admin/staff').set('Authorization', 'Bearer st_tampered').expect(401);

    await request(t.server).post('/admin/auth/logout').set('Authorization', `Bearer ${login.body.token}`).expect(204);
    await request(t.server).get('/admin/staff').set('Authorization', `Bearer ${login.body.token}`).expect(401);
  });

  it('rejects bad list parameters with 422 naming the parameter', async () => {
    const login = await request(t.server).post('/admin/auth/login').send({ email: 'ops@soar2.test', password }).expect(200);
    const r = await request(t.server)
      .get('/admin/staff')
      .query({ sort: '["passwordHash","ASC"]', range: '[5,1]', filter: '{bad json' })
      .set('Authorization', `Bearer ${login.body.token}`)
      .expect(422);
    expect(Object.keys(r.body.errors).sort()).toEqual(['filter', 'range', 'sort']);
  });

  it('locks a staff account after five wrong passwords with 429 and Retry-After', async () => {
    await t.app.get(StaffService).ensure('victim@soar2.test', 'Victim', 'auditor', password);
    for (let i = 0; i < 5; i += 1) {
      await request(t.server).post('/admin/auth/login').send({ email: 'victim@soar2.test', password: 'wrong password' }).expect(401);
    }
    const locked = await request(t.server).post('/admin/auth/login').send({ email: 'victim@soar2.test', password }).expect(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const r = await request(t.server).get('/docs-json').expect(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/health/ready', '/admin/auth/login', '/admin/staff']));
    await request(t.server).get('/docs').expect(200).expect('Content-Type', /html/);
  });

  it('tags every log line of a request with its id and keeps emails, tokens and IPs out of logs', async () => {
    const before = t.logs.length;
    const r = await request(t.server)
      .post('/admin/auth/login')
      .set('X-Request-Id', 'req-test-123456')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ email: 'leaky.person@example.com', password: 'hunter2-secret' })
      .expect(401);
    expect(r.headers['x-request-id']).toBe('req-test-123456');
    const text = JSON.stringify(t.logs.slice(before));
    expect(text).toContain('req-test-123456');
    expect(text).not.toContain('leaky.person@example.com');
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('203.0.113.9');
    expect(text).not.toContain('127.0.0.1');
  });
});
