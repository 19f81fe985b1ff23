import { Client, Connection, type ClientOptions } from '@temporalio/client';
import type { Config } from '../config/env.ts';

export async function connectTemporalClient(
  address: string,
  namespace: string,
  interceptors?: ClientOptions['interceptors'],
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) }), connection };
}

export function temporalAddressOf(config: Config): string {
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is not set');
  return config.temporal.address;
}

/** Link to a workflow in the Temporal Web UI, when the UI's address is known. */
export function workflowUiUrl(uiUrl: string | undefined, namespace: string, workflowId: string): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
