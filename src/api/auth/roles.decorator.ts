import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema';
import type { Role } from '../../persistence/entities/api-key.entity';

export const ROLES_KEY = 'caseworks:roles';
export const PUBLIC_KEY = 'caseworks:public';
export const IDENTIFY_KEY = 'caseworks:identify';

/** Roles allowed on a route. `admin` is always allowed. Routes without @Roles need any valid key. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No key needed (health, docs, public intake). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/**
 * On a public route: a caller who does send a key is still identified (an unknown key is a 401),
 * so one route serves the public and authenticated partners (takedown intake).
 */
export const IdentifyCallerIfKeyed = () => SetMetadata(IDENTIFY_KEY, true);
/** No key needed when the configuration says so (e.g. the codec endpoint on a dev stack). */
export const PublicWhen = (predicate: (config: AppConfig) => boolean) => SetMetadata(PUBLIC_KEY, predicate);
