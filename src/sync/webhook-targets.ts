/**
 * Where a webhook may be sent. A subscription's URL is typed by an operator but the events and
 * the signature go out from inside the server's network: without rules a URL can make the
 * server POST to its own admin port, the cloud metadata service (169.254.169.254) or a host on
 * the private network (server-side request forgery). So a webhook URL is http(s), carries no
 * user:password (it would be stored and printed), and resolves only to public addresses unless
 * the operator explicitly allows private ones (`--allow-private-target`, and for delivery
 * `odc serve --webhook-allow-private-targets`; tests on loopback say so too). Checked when the
 * subscription is added and again before each delivery, since a name can resolve differently
 * later (docs/hostile-input.md, "Hostile peers").
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local, shared, multicast and reserved ranges (IPv4-mapped IPv6 included by BlockList). */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface WebhookTargetRules {
  /** Allow loopback, private and link-local targets (an explicit operator choice). */
  allowPrivateTargets?: boolean;
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (hostname: string) => Promise<string[]>;
}

const systemResolve = async (hostname: string) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The reason `url` may not receive webhooks, or undefined when it may. */
export async function webhookTargetProblem(url: string | URL, rules: WebhookTargetRules = {}): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be http(s)';
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user or password (use the signing secret to authenticate)';
  if (rules.allowPrivateTargets) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await (rules.resolve ?? systemResolve)(host);
  } catch (error) {
    return `its host ${host} does not resolve (${error instanceof Error ? error.message : String(error)})`;
  }
  const blocked = addresses.find(isNonPublicAddress);
  if (blocked !== undefined)
    return `its host ${host} is a loopback, private or link-local address (${blocked}); allow such targets explicitly if that is intended`;
  return undefined;
}

/** The URL with any user:password replaced, for printing subscriptions stored before the rule. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = 'redacted';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
