import { HttpStatus } from '@nestjs/common';
import { DomainException, NotFoundDomainException } from '../errors/domain.exception';

export const GENERATION_ERROR_CODES = {
  PROCESSING_RESTRICTED: 'The account has processing restricted (GDPR Art. 18), so no new videos are made for it.',
  PROMPT_BLOCKED: 'The prompt falls into a category our content rules do not allow; `details.category` names it. Nothing was charged or sent.',
  VIDEO_NOT_FOUND: 'No video with this id belongs to the caller (or it was deleted).',
  VIDEO_NOT_READY: 'The video has no stored file (yet): it is still being made, failed, or the variant does not exist.',
  VIDEO_NOT_REMIXABLE: 'Only a completed video can be remixed.',
  GENERATION_NOT_FOUND: 'No generation job has this id.',
  GENERATION_ACTION_NOT_ALLOWED: 'The console action does not apply to the job in its current state; the message says why.',
  WEBHOOK_NOT_CONFIGURED: 'The video-provider webhook has no signing secret configured (OPENAI_WEBHOOK_SECRET), so the endpoint does not exist on this server (404).',
  WEBHOOK_SIGNATURE_INVALID: 'The webhook signature, timestamp or headers do not verify against the signing secret.',
} as const;

export class ProcessingRestrictedException extends DomainException {
  constructor() {
    super('PROCESSING_RESTRICTED', HttpStatus.FORBIDDEN, 'Processing is restricted for this account, so no new videos can be made. Contact support to lift the restriction.');
  }
}

export class PromptBlockedException extends DomainException {
  constructor(category: string) {
    super('PROMPT_BLOCKED', HttpStatus.UNPROCESSABLE_ENTITY, 'The prompt is not allowed by our content rules; nothing was charged.', { category });
  }
}

export class VideoNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The video', 'VIDEO_NOT_FOUND');
  }
}

export class VideoNotReadyException extends DomainException {
  constructor(message = 'The video has no stored file yet.') {
    super('VIDEO_NOT_READY', HttpStatus.CONFLICT, message);
  }
}

export class VideoNotRemixableException extends DomainException {
  constructor() {
    super('VIDEO_NOT_REMIXABLE', HttpStatus.CONFLICT, 'Only a completed video can be remixed.');
  }
}

export class GenerationNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The generation job', 'GENERATION_NOT_FOUND');
  }
}

export class GenerationActionNotAllowedException extends DomainException {
  constructor(message: string) {
    super('GENERATION_ACTION_NOT_ALLOWED', HttpStatus.CONFLICT, message);
  }
}

export class WebhookNotConfiguredException extends DomainException {
  constructor() {
    super('WEBHOOK_NOT_CONFIGURED', HttpStatus.NOT_FOUND, 'Video-provider webhooks are not configured on this server.');
  }
}

export class WebhookSignatureInvalidException extends DomainException {
  constructor() {
    super('WEBHOOK_SIGNATURE_INVALID', HttpStatus.BAD_REQUEST, 'The webhook signature does not verify.');
  }
}
