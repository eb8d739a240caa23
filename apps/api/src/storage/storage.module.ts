import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FilesystemObjectStorage } from './filesystem-object-storage';
import type { ObjectStorage } from './object-storage';
import { OBJECT_STORAGE, StorageService } from './storage.service';

/** Picks the driver named by STORAGE_DRIVER; an S3 case joins the switch later. */
export function createObjectStorage(config: AppConfig['storage']): ObjectStorage {
  switch (config.driver) {
    case 'fs':
      return new FilesystemObjectStorage(config.dir);
  }
}

@Module({
  providers: [{ provide: OBJECT_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createObjectStorage(config.storage) }, StorageService],
  exports: [StorageService],
})
export class StorageModule {}
