import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PLATFORM_ERROR_CODES } from '../errors/error-codes';

/** Builds the OpenAPI document from the code and serves it at /docs (UI) and /docs-json. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const codes = Object.entries(PLATFORM_ERROR_CODES)
    .map(([code, text]) => `- \`${code}\`: ${text}`)
    .join('\n');
  const config = new DocumentBuilder()
    .setTitle('Soar2 Back-Office API')
    .setDescription(
      'Public API (`/v1`), console API (`/admin`), webhooks and health.\n\n' +
        'Errors answer `{statusCode, error, message, code}`; validation errors answer 422 with `errors: {field: message}`.\n\n' +
        `Platform error codes:\n${codes}`,
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return document;
}
