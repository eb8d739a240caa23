import { Global, Module } from '@nestjs/common';
import { PersonalDataRegistry } from './personal-data.registry';

/** Global so any module can register its personal-data source without an import cycle. */
@Global()
@Module({
  providers: [PersonalDataRegistry],
  exports: [PersonalDataRegistry],
})
export class PersonalDataModule {}
