/**
 * A webhook subscriber on loopback for the delivery tests: it records every delivery (path,
 * event id, body) and whether its `X-App-Signature` is the HMAC-SHA256 of the body under the
 * subscription's secret, and answers `status`. One receiver serves several subscriptions: the
 * path tells them apart.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery<Json = Record<string, unknown>> {
  path: string;
  eventId: string | undefined;
  json: Json;
  signatureValid: boolean;
}

export function webhookReceiver<Json = Record<string, unknown>>(secret: () => string, status = 204) {
  const received: ReceivedDelivery<Json>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = createHmac('sha256', secret()).update(body).digest('hex');
      received.push({
        path: req.url ?? '',
        eventId: req.headers['x-odc-event-id'] as string | undefined,
        json: JSON.parse(body) as Json,
        signatureValid: req.headers['x-app-signature'] === expected,
      });
      res.writeHead(status).end();
    });
  });
  return {
    received,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
