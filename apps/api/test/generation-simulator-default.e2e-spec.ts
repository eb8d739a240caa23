// With no OPENAI_API_KEY (a fresh machine's `npm start`) the in-process simulator is the provider.
// Its own file: the log line is read from this application's captured logs.
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CreditsService } from '../src/credits/credits.service';
import { grantCredits, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

describe('generation: the in-process simulator is the default provider', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No OPENAI_API_KEY: as on a fresh machine with `npm start`.
    t = await startTestApp({ env: { GENERATION_SIMULATOR_LATENCY_MS: '50', GENERATION_POLL_BASE_MS: '20', GENERATION_POLL_MAX_MS: '50' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('starts the simulator on loopback, says so in the logs and the console, and makes a video with it', async () => {
    const line = t.logs.find((l) => JSON.stringify(l).includes('LOCAL SIMULATOR'));
    expect(line).toMatchObject({ provider: 'simulator', listen: 'loopback', port: expect.any(Number) });
    const admin = await issueStaffToken(t.app, await ensureStaff(t.app, 'admin'));
    const info = await request(t.url).get('/admin/generations/provider').set('authorization', `Bearer ${admin}`);
    expect(info.body).toMatchObject({ name: 'simulator', simulator: true, label: expect.stringContaining('SIMULATOR') });

    const u = await userWithToken(t.app, 'demo.user@soar2.test');
    await grantCredits(t.app, u.id, 20, 'test:default-sim');
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'A demo clip', model: 'sora-2', seconds: 20, size: '720x1280' });
    expect(res.status).toBe(202);
    const job = await waitForFinal(t.app.get(DataSource), res.body.id);
    expect(job).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
    expect(await t.app.get(CreditsService).summary(u.id)).toEqual({ balance: 0, held: 0, available: 0 });
  });
});
