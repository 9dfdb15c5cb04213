import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/config.schema';
import { ApiModule } from './app.module';
import { createValidationPipe } from './problem/validation';

/** Builds the API application; main.ts listens on it, the HTTP tests do too. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config), { bufferLogs: true, rawBody: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  // Browsers call only the codec endpoint cross-origin: the Temporal UI decoding payloads.
  app.enableCors({
    origin: config.CODEC_CORS_ORIGINS,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
  });
  (app.getHttpAdapter().getInstance() as { disable(name: string): void }).disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Caseworks API')
      .setDescription('Open and progress cases; every case is a durable Temporal workflow. Errors are RFC 9457 problem+json.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
