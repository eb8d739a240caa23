import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { Repository } from 'typeorm';
import { DataKeysService } from '../data-keys/data-keys.service';
import { AccessEvent, AccessLogEntity } from './access-log.entity';
import type { ClientInfo } from './client-info';
import { parseUserAgent, type DeviceType } from './user-agent';

export interface AccessRecord {
  userId: string;
  sessionId: string | null;
  event: AccessEvent;
  client: ClientInfo;
}

/**
 * One access-log entry as staff see it (the raw user agent is not shown: device, browser and OS are
 * enough). `ip` is null once the user's data key was destroyed.
 */
export interface AccessLogEntryView {
  id: string;
  event: AccessEvent;
  ip: string | null;
  deviceType: DeviceType;
  browser: string | null;
  os: string | null;
  createdAt: Date;
}

/** The context a sealed access-log value is bound to (decision 017: `<table>.<column>:<row id>`). */
export function accessLogContext(column: 'ip' | 'user_agent', id: string): string {
  return `access_log.${column}:${id}`;
}

/**
 * Writes the access log: the user agent is parsed here once; IP and user agent are sealed with the
 * user's data key and go to this table only, never to logs.
 */
@Injectable()
export class AccessLogService {
  constructor(
    @InjectRepository(AccessLogEntity) private readonly entries: Repository<AccessLogEntity>,
    private readonly keys: DataKeysService,
  ) {}

  async record(entry: AccessRecord, manager?: EntityManager): Promise<void> {
    const parsed = parseUserAgent(entry.client.userAgent);
    const repo = manager ? manager.getRepository(AccessLogEntity) : this.entries;
    const ip = entry.client.ip && isIP(entry.client.ip) ? entry.client.ip : null;
    const id = randomUUID();
    const userAgent = entry.client.userAgent;
    await repo.insert({
      id,
      userId: entry.userId,
      sessionId: entry.sessionId,
      event: entry.event,
      ipSealed: ip === null ? null : await this.keys.seal(entry.userId, ip, accessLogContext('ip', id), manager),
      userAgentSealed: userAgent ? await this.keys.seal(entry.userId, userAgent, accessLogContext('user_agent', id), manager) : null,
      deviceType: parsed.deviceType,
      browser: parsed.browser,
      os: parsed.os,
    });
  }

  /** A user's latest entries, newest first, IPs opened with the user's key (null once it was destroyed). */
  async recentForUser(userId: string, limit: number): Promise<AccessLogEntryView[]> {
    const rows = await this.entries.find({
      select: { id: true, event: true, ipSealed: true, ip: true, deviceType: true, browser: true, os: true, createdAt: true },
      where: { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        event: r.event,
        ip: await this.openIp(userId, r),
        deviceType: r.deviceType,
        browser: r.browser,
        os: r.os,
        createdAt: r.createdAt,
      })),
    );
  }

  /** The IP of an entry: sealed (the normal case) or, for a row not yet sealed by the start-up backfill, the legacy clear value. */
  private openIp(userId: string, r: Pick<AccessLogEntity, 'id' | 'ipSealed' | 'ip'>): Promise<string | null> {
    if (r.ipSealed) return this.keys.openTextOrNull(userId, r.ipSealed, accessLogContext('ip', r.id));
    return Promise.resolve(r.ip ?? null);
  }
}
