// GET /v1/downloads/:token: the token is the credential (one subject, expiring); every download,
// including each ranged request of a resumed download, is recorded in the audit log.
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { hashDownloadToken } from './access-package.service';
import { DownloadLinkExpiredException, DownloadLinkNotFoundException } from './privacy-packages.exception';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

interface TokenRow {
  token_id: string;
  user_id: string;
  package_id: string;
  expired: boolean;
  state: string;
  storage_key: string | null;
  ready_at: Date | null;
}

@Injectable()
export class DownloadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
  ) {}

  /** Answers the download: 200/206 with the zip, 404 for an unknown token, 410 once expired or purged. */
  async serve(token: string, req: Request, res: Response): Promise<void> {
    if (!TOKEN_SHAPE.test(token)) throw new DownloadLinkNotFoundException();
    const storageKey = await this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT t.id AS token_id, t.user_id, t.package_id, t.expires_at <= now() AS expired, p.state, p.storage_key, p.ready_at
           FROM access_package_tokens t JOIN access_packages p ON p.id = t.package_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t`,
        [hashDownloadToken(token)],
      )) as TokenRow[];
      const row = rows[0];
      if (!row) throw new DownloadLinkNotFoundException();
      if (row.expired || row.state !== 'ready' || !row.storage_key) throw new DownloadLinkExpiredException();
      await manager.query(
        `UPDATE access_package_tokens SET downloads = downloads + 1, first_used_at = coalesce(first_used_at, now()), last_used_at = now() WHERE id = $1`,
        [row.token_id],
      );
      await this.audit.record(
        {
          action: 'access_package.download',
          // The link is the subject's own credential (sent to their verified address).
          actor: { type: 'user', id: row.user_id },
          subject: { type: 'access_package', id: row.package_id },
          details: { tokenId: row.token_id, userId: row.user_id, range: typeof req.headers.range === 'string' ? req.headers.range.slice(0, 100) : null, method: req.method },
        },
        manager,
      );
      return { key: row.storage_key, readyAt: row.ready_at };
    });
    const day = (storageKey.readyAt ?? new Date()).toISOString().slice(0, 10);
    await this.storage.sendObject(req, res, storageKey.key, { downloadName: `soar2-personal-data-${day}.zip`, cacheControl: 'private, no-store' });
  }
}
