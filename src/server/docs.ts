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
  /** Further bindings' documents (the rc.2 binding), served at their path and listed in /docs. */
  bindings?: Array<{ title: string; path: string; document: Record<string, unknown> }>;
}

const page = (sources: Array<{ title: string; url: string }>, scriptUrl: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>odc API reference</title>
</head>
<body>
  <script id="api-reference" data-configuration='${JSON.stringify({ sources, withDefaultFonts: false, hideClientButton: true, telemetry: false, showDeveloperTools: 'never', agent: { disabled: true } })}'></script>
  <script src="${scriptUrl}"></script>
</body>
</html>
`;

export const docsRoutes: FastifyPluginAsync<DocsOptions> = async (app, options) => {
  const documentText = JSON.stringify(options.document);
  let bundle: Buffer | undefined;

  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(documentText));

  const bindings = options.bindings ?? [];
  for (const binding of bindings) {
    const text = JSON.stringify(binding.document);
    app.get(binding.path, async (_request, reply) => reply.type('application/json; charset=utf-8').send(text));
  }
  // Relative URLs, so the page works behind any proxy prefix; the seed's document comes first.
  const sources = [{ title: 'Customer (seed)', url: 'openapi.json' }, ...bindings.map((b) => ({ title: b.title, url: b.path.replace(/^\//, '') }))];
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page(sources, 'docs/scalar.js')));

  app.get('/docs/scalar.js', async (_request, reply) => {
    bundle ??= readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'));
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(bundle);
  });
};
