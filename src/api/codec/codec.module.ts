import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { sessionCookieAsBearer } from '../auth/session-cookie';
import { SignInController } from '../auth/sign-in.controller';
import { CodecController } from './codec.controller';

/** The codec endpoint and the sign-in that lets a browser (the Temporal UI) call it as a person. */
@Module({ controllers: [CodecController, SignInController] })
export class CodecModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(sessionCookieAsBearer).forRoutes(CodecController);
  }
}
