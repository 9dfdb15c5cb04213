import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { sessionFingerprint, type DeskSession } from './desk-session';

/** What the desk keeps and reads beyond the takedown services: published report years, and whether a session still stands. */
@Injectable()
export class DeskStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The years whose report the yearly schedule stored (published), newest first. */
  async publishedYears(): Promise<number[]> {
    const rows: { year: number }[] = await this.dataSource.query(`SELECT year FROM transparency_reports ORDER BY year DESC LIMIT 50`);
    return rows.map((r) => Number(r.year));
  }

  /** A session opened with an API key ends when the key is revoked; an IdP session lives on its own timeouts. */
  async keyActive(principal: Principal): Promise<boolean> {
    if (principal.via === 'oidc') return true;
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, [principal.keyId]);
    return rows.length > 0;
  }

  /** Whether the session was signed out (a copy of its cookie is refused from then on). */
  async signedOut(session: DeskSession): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM desk_sign_outs WHERE session_hash = $1`, [sessionFingerprint(session)]);
    return rows.length > 0;
  }

  /**
   * Records a sign-out until the session would have expired on its own (after that its cookie is
   * refused anyway), and drops the records already past that.
   */
  async recordSignOut(session: DeskSession, expiresAt: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM desk_sign_outs WHERE expires_at < now()`);
    await this.dataSource.query(`INSERT INTO desk_sign_outs (session_hash, expires_at) VALUES ($1, $2) ON CONFLICT (session_hash) DO NOTHING`, [sessionFingerprint(session), expiresAt]);
  }
}
