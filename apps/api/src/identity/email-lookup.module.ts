import { Global, Module } from '@nestjs/common';
import { EmailLookupService } from './email-lookup.service';

/** Global: modules that match an address to an account (support, privacy requests, consent, seeds) hash it the same way. */
@Global()
@Module({
  providers: [EmailLookupService],
  exports: [EmailLookupService],
})
export class EmailLookupModule {}
