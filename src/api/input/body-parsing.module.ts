import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { json, urlencoded } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { problemFromBodyParser } from '../problem/body-parser-problems';
import { JSON_BODY_LIMIT_BYTES } from './body-limits';
import { requireReadableContentType } from './content-type';
import { refuseUnstorableInput } from './input-guard.middleware';

/** Keeps the raw bytes for the operations that verify a signature over them (the billing webhook). */
function keepRawBody(req: Request & { rawBody?: Buffer }, _res: Response, buffer: Buffer): void {
  if (Buffer.isBuffer(buffer)) req.rawBody = buffer;
}

/**
 * A body parser whose failures reach the problem filter as their problem (413, 400, 415): Nest's
 * own mapping would answer a 400 that quotes the body, and a body that does not decode as its
 * Content-Encoding says would be a 500.
 */
function answeringProblems(parser: RequestHandler): RequestHandler {
  return (req, res, next) => parser(req, res, (err?: unknown) => next(err === undefined ? undefined : (problemFromBodyParser(err) ?? err)));
}

/**
 * Reading request bodies, and the edge checks on everything read: Nest middleware rather than
 * `app.use` in create-app, so it runs after the request logger (a global module's middleware is
 * mounted first) and every answer, a body the parser refused included, carries its request ID
 * and has its log line.
 */
@Module({})
export class BodyParsingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        requireReadableContentType,
        answeringProblems(json({ limit: JSON_BODY_LIMIT_BYTES, verify: keepRawBody })),
        answeringProblems(urlencoded({ extended: true, limit: JSON_BODY_LIMIT_BYTES, verify: keepRawBody })),
        refuseUnstorableInput,
      )
      .forRoutes('*');
  }
}
