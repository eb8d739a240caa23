import { HttpStatus } from '@nestjs/common';
import { DomainException, NotFoundDomainException } from '../errors/domain.exception';

export const POLICY_ERROR_CODES = {
  POLICY_VERSION_NOT_FOUND: 'The policy version was not found.',
  POLICY_VERSION_PUBLISHED: 'The policy version is published and can no longer be changed or deleted; create and publish a new version instead.',
  POLICY_VERSION_TAKEN: 'Another policy version already has this version label.',
  NO_POLICY_IN_FORCE: 'No policy version is in force yet (none published, or none effective).',
  NOTICE_NOT_FOUND: 'The notice was not found, or it is no longer shown.',
  SUBPROCESSOR_NOT_FOUND: 'The sub-processor was not found.',
  SUBPROCESSOR_NAME_TAKEN: 'Another sub-processor already has this name.',
  NOTICE_CAMPAIGN_NOT_FOUND: 'The notice campaign was not found.',
} as const;

export class PolicyVersionNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The policy version', 'POLICY_VERSION_NOT_FOUND');
  }
}

export class PolicyVersionPublishedException extends DomainException {
  constructor(version: string) {
    super('POLICY_VERSION_PUBLISHED', HttpStatus.CONFLICT, `Version ${version} is published and cannot be changed or deleted. Create a new version and publish it instead.`);
  }
}

export class PolicyVersionTakenException extends DomainException {
  constructor(version: string) {
    super('POLICY_VERSION_TAKEN', HttpStatus.CONFLICT, `There is already a policy version ${version}; choose another label.`);
  }
}

export class NoPolicyInForceException extends NotFoundDomainException {
  constructor() {
    super('A policy in force', 'NO_POLICY_IN_FORCE');
  }
}

export class NoticeNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The notice', 'NOTICE_NOT_FOUND');
  }
}

export class SubprocessorNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The sub-processor', 'SUBPROCESSOR_NOT_FOUND');
  }
}

export class SubprocessorNameTakenException extends DomainException {
  constructor() {
    super('SUBPROCESSOR_NAME_TAKEN', HttpStatus.CONFLICT, 'Another sub-processor already has this name.');
  }
}

export class NoticeCampaignNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The notice campaign', 'NOTICE_CAMPAIGN_NOT_FOUND');
  }
}
