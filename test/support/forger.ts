import { Client, ConnectionLike } from '@temporalio/client';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import type { AppConfig } from '../../src/config/config.schema';
import { payloadCodecsFor } from '../../src/temporal/temporal-options';

/**
 * A forger's codec: sends payloads in plaintext JSON (as the Web UI's "Send an Update", the CLI or
 * the stock SDK do), optionally stamped with metadata it chose (a binding it has seen, a caller it
 * claims). Answers are read with the service's codecs, so a test can see the refusal's details,
 * which the worker seals.
 */
export class ForgerCodec implements PayloadCodec {
  constructor(
    private readonly reader: PayloadCodec[],
    private readonly metadata: () => Record<string, Uint8Array> = () => ({}),
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => ({ ...p, metadata: { ...p.metadata, ...this.metadata() } }));
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    for (const codec of [...this.reader].reverse()) payloads = await codec.decode(payloads, context);
    return payloads;
  }
}

/** A client that sends as a forger would (see ForgerCodec). */
export function forgerClient(connection: ConnectionLike, config: AppConfig, metadata?: () => Record<string, Uint8Array>): Client {
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: { payloadCodecs: [new ForgerCodec(payloadCodecsFor(config), metadata)] } });
}
