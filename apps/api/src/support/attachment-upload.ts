import { BadRequestException, CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, PayloadTooLargeException, UseInterceptors, applyDecorators } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { ApiConsumes } from '@nestjs/swagger';
import { Observable, catchError, throwError } from 'rxjs';
import { ValidationFailedException } from '../errors/domain.exception';
import { MAX_ATTACHMENT_BYTES } from './support-rules';
import { SupportException } from './support.exception';

/** Files of one request; more are refused. */
export const MAX_ATTACHMENTS_PER_REQUEST = 5;

/** An uploaded file as multer (memory storage) hands it over. */
export interface UploadedAttachment {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Turns multer's refusals into the API's codes: too large → 413 ATTACHMENT_TOO_LARGE, the rest → 422. */
@Injectable()
export class UploadErrorsInterceptor implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof PayloadTooLargeException) return throwError(() => new SupportException('ATTACHMENT_TOO_LARGE', HttpStatus.PAYLOAD_TOO_LARGE, 'Attachments are limited to 10 MB each.'));
        if (err instanceof BadRequestException) {
          return throwError(() => new ValidationFailedException({ attachments: `Send at most ${MAX_ATTACHMENTS_PER_REQUEST} files, in the form field "attachments" (${err.message}).` }));
        }
        return throwError(() => err);
      }),
    );
  }
}

/** multipart/form-data with up to five `attachments` files (kept in memory, 10 MB each at most); JSON bodies pass through. */
export const AcceptsAttachments = (): MethodDecorator =>
  applyDecorators(
    UseInterceptors(UploadErrorsInterceptor, FilesInterceptor('attachments', MAX_ATTACHMENTS_PER_REQUEST, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS_PER_REQUEST, fields: 20, fieldSize: 100_000 } })),
    ApiConsumes('application/json', 'multipart/form-data'),
  );
