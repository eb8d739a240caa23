// The CLI's `seal-backfill`: the same DataKeysService and StorageService as the app, without Nest.
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { DataKeysService } from '../data-keys/data-keys.service';
import { dataSourceOptions } from '../database/data-source-options';
import { HealthRegistry } from '../health/health-registry';
import { createObjectStorage } from '../storage/storage.module';
import { StorageService } from '../storage/storage.service';
import { SealBackfillResult, sealBackfill } from './generation-seal-backfill';

export async function sealBackfillCommand(config: AppConfig, url: string): Promise<SealBackfillResult> {
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  try {
    const dataKeys = new DataKeysService(config, dataSource);
    await dataKeys.onModuleInit();
    const storage = new StorageService(createObjectStorage(config.storage), new HealthRegistry(), dataKeys);
    return await sealBackfill({ dataSource, dataKeys, storage });
  } finally {
    await dataSource.destroy();
  }
}
