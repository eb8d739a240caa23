import { Global, Module } from '@nestjs/common';
import { DataKeysService } from './data-keys.service';

/** Global: every module that stores personal free text or files encrypts it with the owner's key. */
@Global()
@Module({
  providers: [DataKeysService],
  exports: [DataKeysService],
})
export class DataKeysModule {}
