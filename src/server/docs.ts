/**
 * `/openapi.json` (generated from the contract) and `/docs`, a reference page rendered by
 * Scalar from its standalone bundle shipped in node_modules: no CDN, no fonts fetched, so it
 * works on machines without internet.
 */
import type { FastifyPluginAsync } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface DocsOptions {
  document: Record<string, unknown>;
}

const page = (specUrl: string, scriptUrl: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>odc API reference</title>
</head>
<body>
  <script id="api-reference" data-url="${specUrl}" data-configuration='${JSON.stringify({ withDefaultFonts: false, hideClientButton: true, telemetry: false, showDeveloperTools: 'never', agent: { disabled: true } })}'></script>
  <script src="${scriptUrl}"></script>
</body>
</html>
`;

export const docsRoutes: FastifyPluginAsync<DocsOptions> = async (app, options) => {
  const documentText = JSON.stringify(options.document);
  let bundle: Buffer | undefined;

  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(documentText));

  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page('openapi.json', 'docs/scalar.js')));

  app.get('/docs/scalar.js', async (_request, reply) => {
    bundle ??= readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'));
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(bundle);
  });
};
