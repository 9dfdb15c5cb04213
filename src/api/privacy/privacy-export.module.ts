import { Module } from '@nestjs/common';
import { PrivacyExportController } from './privacy-export.controller';
import { PrivacyExportService } from './privacy-export.service';

/** GET /v1/privacy/subjects/{customerRef}/export (admin, privacy). AccessLogService comes from the global AccessLogModule. */
@Module({ controllers: [PrivacyExportController], providers: [PrivacyExportService] })
export class PrivacyExportModule {}
