import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/config.schema';
import type { ApiMetrics } from '../observability/metrics/api-metrics';
import { ApiModule } from './app.module';
import { requestContextMiddleware } from './auth/request-context';
import { describeOperationRoles } from './auth/openapi-roles';
import { CardDataPipe } from './card-data/card-data.pipe';
import { describeCommonProblems, ProblemResponse } from './problem/api-problems';
import { createValidationPipe } from './problem/validation';

/**
 * Builds the API application; main.ts listens on it, the HTTP tests do too. With `metrics`, every
 * request is timed into it (main.ts serves it on API_METRICS_PORT).
 */
export async function createApiApp(config: AppConfig, options: { logDestination?: DestinationStream; metrics?: ApiMetrics } = {}): Promise<INestApplication> {
  // Body parsers are ours, not Nest's defaults: BodyParsingModule mounts them after the request
  // logger, with the input checks right after them.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, options), { bufferLogs: true, bodyParser: false });
  if (options.metrics) app.use(options.metrics.middleware); // first: a request refused early is timed too
  app.use(requestContextMiddleware); // before every other middleware: the caller the Temporal client binds to updates
  app.useLogger(app.get(Logger));
  // Query values are single strings: no `a[b]=` objects, and a repeated name is refused (input guard).
  app.set('query parser', 'simple');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalPipes(new CardDataPipe()); // after validation: card numbers redacted or refused per field
  // Browsers call only the codec endpoint cross-origin: the Temporal UI decoding payloads.
  // With passAccessToken the UI also sends the person's ID token as `Authorization-Extras`; the
  // codec reads only `Authorization`, but a preflight that refuses the header fails every call.
  app.enableCors({
    origin: config.CODEC_CORS_ORIGINS,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'authorization-extras'],
    credentials: true,
  });
  (app.getHttpAdapter().getInstance() as { disable(name: string): void }).disable('x-powered-by');
  // req.ip (rate limits, failed-auth counts) believes X-Forwarded-For only from the proxies configured.
  (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Caseworks API')
      .setDescription('Open and progress cases; every case is a durable Temporal workflow. Errors are RFC 9457 problem+json.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemResponse] },
  );
  describeOperationRoles(document);
  describeCommonProblems(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
