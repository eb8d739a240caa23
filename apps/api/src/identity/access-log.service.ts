import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { Repository } from 'typeorm';
import { AccessEvent, AccessLogEntity } from './access-log.entity';
import type { ClientInfo } from './client-info';
import { parseUserAgent } from './user-agent';

export interface AccessRecord {
  userId: string;
  sessionId: string | null;
  event: AccessEvent;
  client: ClientInfo;
}

/** One access-log entry as staff see it (the raw user agent stays in the table: device, browser and OS are enough). */
export type AccessLogEntryView = Pick<AccessLogEntity, 'id' | 'event' | 'ip' | 'deviceType' | 'browser' | 'os' | 'createdAt'>;

/** Writes the access log: the user agent is parsed here once; IP and user agent go to this table only, never to logs. */
@Injectable()
export class AccessLogService {
  constructor(@InjectRepository(AccessLogEntity) private readonly entries: Repository<AccessLogEntity>) {}

  async record(entry: AccessRecord, manager?: EntityManager): Promise<void> {
    const parsed = parseUserAgent(entry.client.userAgent);
    const repo = manager ? manager.getRepository(AccessLogEntity) : this.entries;
    const ip = entry.client.ip && isIP(entry.client.ip) ? entry.client.ip : null;
    await repo.insert({
      userId: entry.userId,
      sessionId: entry.sessionId,
      event: entry.event,
      ip,
      userAgent: entry.client.userAgent,
      deviceType: parsed.deviceType,
      browser: parsed.browser,
      os: parsed.os,
    });
  }

  /** A user's latest entries, newest first. */
  recentForUser(userId: string, limit: number): Promise<AccessLogEntryView[]> {
    return this.entries.find({
      select: { id: true, event: true, ip: true, deviceType: true, browser: true, os: true, createdAt: true },
      where: { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }
}
