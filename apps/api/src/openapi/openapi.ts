import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { errorCatalogueMarkdown } from '../errors/error-catalogue';

/** Builds the OpenAPI document from the code and serves it at /docs (UI) and /docs-json. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Soar2 Back-Office API')
    .setDescription(
      'Public API (`/v1`), console API (`/admin`), webhooks and health.\n\n' +
        'Errors answer `{statusCode, error, message, code}`; validation errors answer 422 with `errors: {field: message}`.\n\n' +
        `Error codes by module:\n\n${errorCatalogueMarkdown()}`,
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return document;
}
