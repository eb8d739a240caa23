// Real personal-data sources for package tests, registered at runtime the way modules do from
// onModuleInit: the identity profile and the access log read their tables; stored files reads the
// objects under `test-media/<userId>/` in storage (standing in for the generation module's videos).
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PersonalDataRegistry, type PersonalDataSource } from '../../src/personal-data/personal-data.registry';
import { StorageService } from '../../src/storage/storage.service';

export function identityProfileSource(app: INestApplication): PersonalDataSource {
  const db = app.get(DataSource);
  return {
    category: 'identity.profile',
    description: 'Your account: email address, display name, region, status and age confirmation.',
    purposes: ['providing the service', 'account security'],
    sources: ['user'],
    async *export(subject) {
      const rows = (await db.query(`SELECT id, email, display_name, region, status, age_confirmed_at, created_at FROM users WHERE id = $1`, [subject.userId])) as Array<
        Record<string, string | Date | null>
      >;
      for (const r of rows) {
        yield {
          data: {
            id: String(r.id),
            email: String(r.email),
            displayName: (r.display_name as string | null) ?? null,
            region: (r.region as string | null) ?? null,
            status: String(r.status),
            ageConfirmedAt: r.age_confirmed_at ? (r.age_confirmed_at as Date).toISOString() : null,
            createdAt: (r.created_at as Date).toISOString(),
          },
        };
      }
    },
    async erase() {
      return { deleted: 0, anonymised: 0, retained: [] };
    },
  };
}

export function accessLogSource(app: INestApplication): PersonalDataSource {
  const db = app.get(DataSource);
  return {
    category: 'identity.access_log',
    description: 'Sign-ins and API sessions: time, IP address, device, browser and operating system.',
    purposes: ['account security', 'compatibility'],
    sources: ['device'],
    async *export(subject) {
      // Paged, as a large category must be.
      let after = '1970-01-01T00:00:00Z';
      let afterId = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = (await db.query(
          `SELECT id, event, host(ip) AS ip, user_agent, device_type, browser, os, created_at FROM access_log
            WHERE user_id = $1 AND (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT 100`,
          [subject.userId, after, afterId],
        )) as Array<{ id: string; event: string; ip: string | null; user_agent: string | null; device_type: string; browser: string | null; os: string | null; created_at: Date }>;
        for (const r of rows) {
          yield { data: { at: r.created_at.toISOString(), event: r.event, ip: r.ip, userAgent: r.user_agent, device: { type: r.device_type, browser: r.browser, os: r.os } } };
        }
        const last = rows[rows.length - 1];
        if (!last || rows.length < 100) return;
        after = last.created_at.toISOString();
        afterId = last.id;
      }
    },
    async erase() {
      return { deleted: 0, anonymised: 0, retained: [] };
    },
  };
}

export const TEST_MEDIA_PREFIX = 'test-media';

export function storedFilesSource(app: INestApplication, category = 'generation.videos'): PersonalDataSource {
  const storage = app.get(StorageService);
  return {
    category,
    description: 'Videos you generated.',
    purposes: ['providing the service'],
    sources: ['user', 'provider'],
    async *export(subject) {
      for await (const object of storage.list(`${TEST_MEDIA_PREFIX}/${subject.userId}/`)) {
        const name = object.key.slice(object.key.lastIndexOf('/') + 1);
        const head = await storage.head(object.key);
        yield { data: { file: name, size: object.size, sha256: head.sha256 }, media: [{ path: `videos/${name}`, storageKey: object.key, contentType: head.contentType }] };
      }
    },
    async erase() {
      return { deleted: 0, anonymised: 0, retained: [] };
    },
  };
}

/** Registers the three sources (once per app). */
export function registerTestSources(app: INestApplication): void {
  const registry = app.get(PersonalDataRegistry);
  for (const source of [identityProfileSource(app), accessLogSource(app), storedFilesSource(app)]) {
    if (!registry.get(source.category)) registry.register(source);
  }
}
