import { MongoAbility, createMongoAbility, subject as asSubject } from '@casl/ability';
import { Action, Actor, PermissionRule, SubjectType, rulesFor } from './permissions';

/** A record tagged with its subject type, so that rule conditions and field rules apply to it. */
export interface TaggedRecord {
  readonly __caslSubjectType__: SubjectType;
}

export type AppAbility = MongoAbility<[Action, SubjectType | TaggedRecord]>;

/** A CASL ability from rules (deny by default: only what a rule allows). */
export function abilityFromRules(rules: PermissionRule[]): AppAbility {
  return createMongoAbility(rules as never) as AppAbility;
}

export function abilityFor(actor: Actor): AppAbility {
  return abilityFromRules(rulesFor(actor));
}

/** Tags a plain record with its subject type so that conditions and field rules apply to it. */
export function record<T extends object>(type: SubjectType, value: T): T & TaggedRecord {
  return asSubject(type, { ...value }) as T & TaggedRecord;
}
