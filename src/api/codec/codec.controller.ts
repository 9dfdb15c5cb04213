import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { dataConverterFor } from '../../temporal/temporal-options';
import { AccessLogService } from '../access-log/access-log.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { currentCaller } from '../auth/request-context';
import { AcceptsTemporalTokens, Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { PayloadsResponse } from './codec.response';
import { assertPayloads, fromJson, type JsonPayloads, toJson } from './codec-payloads';
import { viewForReader } from './decode-for-reader';
import { SESSION_COOKIE } from '../auth/session-cookie';

/** How many payloads of a decode answer stayed sealed because the caller's role may not read them. */
export const WITHHELD_HEADER = 'Caseworks-Withheld-Payloads';

/**
 * Temporal's remote codec protocol, so people (and the Temporal UI pointed here) can read encrypted
 * payloads — summaries, details, inputs — without the key leaving this service. Need to know:
 * callers authenticate (API key, IdP access token, or the sign-in cookie), and each payload is
 * decoded only as far as the caller's role may read it (src/domain/redaction-by-role.ts).
 */
@ApiTags('codec')
@ApiBearerAuth()
@ApiCookieAuth(SESSION_COOKIE)
@Controller('codec')
// The Temporal UI server (make cluster) calls with the person's token for the cluster (passAccessToken).
@AcceptsTemporalTokens()
export class CodecController {
  /**
   * The same codec chain as the API's and the worker's data converter; what /codec/encode seals
   * is bound to the caller (src/temporal/actor-binding.ts), like any payload the API sends.
   */
  private readonly codecs: PayloadCodec[];

  constructor(
    config: AppConfig,
    private readonly accessLog: AccessLogService,
  ) {
    this.codecs = dataConverterFor(config, { identity: () => currentCaller() }).payloadCodecs ?? [];
  }

  /**
   * A payload of a case the caller's role may not read comes back as sent (still encrypted), not
   * as a 403: the Temporal UI shows an error for the whole page on a non-2xx answer, while
   * per-payload it shows what the caller may read decoded and the rest encoded.
   */
  @Post('decode')
  @Operation('codec.decode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decode payloads (Temporal remote codec protocol), as far as your role may read them' })
  @ApiOkResponse({ type: PayloadsResponse, description: 'The payloads, decoded as far as the role may read them (header Caseworks-Withheld-Payloads: how many stayed sealed)' })
  @ApiProblems([400, 'Not Payloads (proto3 JSON)'], [422, 'A payload the codec cannot decode'])
  async decode(
    @Body() body: JsonPayloads,
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PayloadsResponse> {
    assertPayloads(body);
    const sealed = body.payloads.map(fromJson);
    const opened = await this.run(sealed, (p) => this.decodeChain(p));
    const view = viewForReader(caller.role, sealed, opened);
    // One entry per case whose data was shown, before the answer leaves.
    for (const group of view.groups) {
      await this.accessLog.record({
        actor: caller.name,
        actorId: caller.subject ?? caller.keyId,
        via: caller.via ?? 'api-key',
        role: caller.role,
        caseId: group.caseId,
        caseKind: group.workflowType ? group.workflowType.replace(/Workflow$/, '') : null,
        operation: 'codec.decode',
        address: req.ip ?? null,
        requestId: req.id === undefined ? null : String(req.id),
        status: 200,
      });
    }
    res.setHeader(WITHHELD_HEADER, String(view.withheld));
    return { payloads: view.payloads.map(toJson) };
  }

  @Post('encode')
  @Operation('codec.encode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Encode payloads (Temporal remote codec protocol)' })
  @ApiOkResponse({ type: PayloadsResponse, description: 'The payloads, encoded (sealed, bound to the caller)' })
  @ApiProblems([400, 'Not Payloads (proto3 JSON)'], [422, 'A payload the codec cannot encode'])
  async encode(@Body() body: JsonPayloads): Promise<PayloadsResponse> {
    assertPayloads(body);
    const out = await this.run(body.payloads.map(fromJson), (p) => this.encodeChain(p));
    return { payloads: out.map(toJson) };
  }

  /** Encode runs the chain in order, decode in reverse (as the SDK's data converter does). */
  private async encodeChain(payloads: Payload[]): Promise<Payload[]> {
    for (const codec of this.codecs) payloads = await codec.encode(payloads);
    return payloads;
  }

  private async decodeChain(payloads: Payload[]): Promise<Payload[]> {
    for (const codec of [...this.codecs].reverse()) payloads = await codec.decode(payloads);
    return payloads;
  }

  private async run(payloads: Payload[], chain: (p: Payload[]) => Promise<Payload[]>): Promise<Payload[]> {
    try {
      return await chain(payloads);
    } catch (err) {
      throw Problem.validation([{ field: 'payloads', message: err instanceof Error ? err.message : 'cannot decode' }], 422);
    }
  }
}
