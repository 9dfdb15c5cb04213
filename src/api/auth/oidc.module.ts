import { Global, Module } from '@nestjs/common';
import { OidcTokenVerifier } from './oidc-token.verifier';

/** Global: the guard (root module) and the sign-in routes share one verifier (one JWKS cache). */
@Global()
@Module({ providers: [OidcTokenVerifier], exports: [OidcTokenVerifier] })
export class OidcModule {}
