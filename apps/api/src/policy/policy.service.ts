import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface PolicyVersionRef {
  id: string;
  version: string;
}

/** Policy versions: which one is in force (more arrives with the console and notices). */
@Injectable()
export class PolicyService {
  constructor(private readonly dataSource: DataSource) {}

  /** The published version whose effective date has come, the latest such; undefined before the first. */
  async versionInForce(manager?: EntityManager): Promise<PolicyVersionRef | undefined> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT id, version FROM policy_versions WHERE status = 'published' AND effective_at <= now() ORDER BY effective_at DESC, published_at DESC LIMIT 1`,
    )) as PolicyVersionRef[];
    return rows[0];
  }
}
