import { Injectable } from '@nestjs/common';

/** What the owner of a reference (e.g. the generation module for `job`) says about it. */
export type HoldReferenceState = 'active' | 'finished' | 'unknown';

/**
 * Answers, for a batch of reference ids of one type, whether the thing a hold is for is still
 * running. `finished` references get their open holds released by the sweeper; `unknown` ones (no
 * such record) too. Holds whose type has no resolver are only released once older than the max age.
 */
export interface HoldReferenceResolver {
  states(referenceIds: readonly string[]): Promise<Map<string, HoldReferenceState>>;
}

/** Modules register a resolver for the reference type of their holds from onModuleInit. */
@Injectable()
export class HoldReferenceRegistry {
  private readonly resolvers = new Map<string, HoldReferenceResolver>();

  register(referenceType: string, resolver: HoldReferenceResolver): void {
    if (this.resolvers.has(referenceType)) throw new Error(`A hold reference resolver for "${referenceType}" is registered twice.`);
    this.resolvers.set(referenceType, resolver);
  }

  get(referenceType: string): HoldReferenceResolver | undefined {
    return this.resolvers.get(referenceType);
  }
}
