import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from './domain.exception';

/** Flattens class-validator errors into {"a.b": "message"}; the first constraint per field wins. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    const messages = constraints.whitelistValidation ? [`The field "${field}" is not allowed`] : Object.values(constraints);
    if (messages.length > 0) {
      out[field] = sentence(messages[0] ?? 'is invalid');
    }
    if (e.children && e.children.length > 0) Object.assign(out, flattenValidationErrors(e.children, field));
  }
  return out;
}

function sentence(message: string): string {
  const capital = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Global pipe: unknown fields are rejected, payloads are transformed into DTO instances, errors answer 422. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
  });
}
