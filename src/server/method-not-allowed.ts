/**
 * A known path asked with a method it does not answer is a 405 METHOD_NOT_ALLOWED whose `Allow`
 * header lists the methods it does answer; a path no route knows stays a 404
 * (docs/contract.md §1.5). The paths are learnt from every route as it is registered, so the
 * operations, their aliases and the service paths (discovery, OpenAPI, token) all answer alike.
 */
import type { FastifyInstance } from 'fastify';

interface RouteTemplate {
  /** Path segments; `null` stands for a parameter (`:id`), which matches any one segment. */
  readonly segments: readonly (string | null)[];
  readonly methods: Set<string>;
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.slice(1).split('/');
}

/** The methods of every registered path, matched the way the router matches them. */
export class RouteMethods {
  private readonly templates = new Map<string, RouteTemplate>();

  add(url: string, method: string | readonly string[]): void {
    // A wildcard route (e.g. a CORS preflight for every path) names no path of its own.
    if (url.includes('*')) return;
    const key = url.replace(/\/+$/, '') || '/';
    let template = this.templates.get(key);
    if (!template) {
      template = { segments: splitPath(key).map((s) => (s.startsWith(':') ? null : s)), methods: new Set() };
      this.templates.set(key, template);
    }
    for (const m of typeof method === 'string' ? [method] : method) template.methods.add(m.toUpperCase());
  }

  /**
   * The methods a concrete path answers, sorted, or undefined when no route has the path.
   * A literal segment wins over a parameter, as in the router: `/customers/leads` answers
   * what the leads alias answers, not what `/customers/{id}` answers.
   */
  allowed(path: string): string[] | undefined {
    const segments = splitPath(path);
    let best = -1;
    let methods = new Set<string>();
    for (const template of this.templates.values()) {
      if (template.segments.length !== segments.length) continue;
      if (!template.segments.every((s, i) => s === null || s === segments[i])) continue;
      const literals = template.segments.filter((s) => s !== null).length;
      if (literals > best) {
        best = literals;
        methods = new Set(template.methods);
      } else if (literals === best) for (const m of template.methods) methods.add(m);
    }
    return best < 0 ? undefined : [...methods].sort();
  }
}

/** Starts recording the routes of `app` (call before any route is registered). */
export function recordRouteMethods(app: FastifyInstance): RouteMethods {
  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));
  return routes;
}
