/**
 * `--contract seed|rc2|auto` of `odc push` and `odc pull`: which contract the peer's Customer
 * endpoints speak (docs/bindings.md). `auto` (the default) reads the peer's discovery
 * manifest, which lists its bindings under `capabilities.customer.bindings`, and takes the one
 * whose endpoint is the given base URL; a peer without a manifest, or whose manifest declares
 * no binding there, is taken to speak the seed.
 */
import { Option } from 'commander';
import { OdcClient, type OdcClientOptions } from '../client/odc-client.js';
import type { ContractName } from '../client/rc2-wire.js';

export type ContractChoice = ContractName | 'auto';

export function contractOption(): Option {
  return new Option('--contract <contract>', "the peer's contract: seed, rc2 (the committee's 2.0.0-rc.2), or auto (from its discovery)")
    .choices(['seed', 'rc2', 'auto'])
    .default('auto');
}

/** A client speaking `choice`, or what the peer's discovery declares for `auto`. */
export async function clientSpeaking(options: OdcClientOptions, choice: ContractChoice, note: (line: string) => void): Promise<OdcClient> {
  if (choice !== 'auto') return new OdcClient({ ...options, contract: choice });
  const probe = new OdcClient({ ...options, contract: 'seed' });
  let detected: ContractName | undefined;
  try {
    detected = await probe.detectContract();
  } catch (error) {
    note(`discovery of ${probe.baseUrl} failed (${error instanceof Error ? error.message : String(error)}); speaking the seed (use --contract to choose)`);
  }
  if (detected === 'rc2') note(`${probe.baseUrl} speaks rc.2 (from its discovery)`);
  return detected === 'rc2' ? new OdcClient({ ...options, contract: 'rc2' }) : probe;
}
