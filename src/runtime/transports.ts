// Transport by name: `inline` (one thread) or `workers` (one worker thread per actor kind).
import type { InspectionEvent } from 'xstate';
import { BadInput } from '../kernel/variants.ts';
import { inlineTransport } from './inline.ts';
import type { Transport } from './types.ts';

export const TRANSPORTS = ['inline', 'workers'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface TransportOptions {
  inspect?: (e: InspectionEvent & { worker?: string }) => void;
}

export async function makeTransport(name: string, opts: TransportOptions = {}): Promise<Transport> {
  switch (name) {
    case 'inline':
      return inlineTransport(opts);
    default:
      throw new BadInput(`unknown transport '${name}' (valid: ${TRANSPORTS.join(', ')})`);
  }
}
