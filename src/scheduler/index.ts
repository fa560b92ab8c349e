// Strategies by name, for the CLI.
import { BadInput } from '../kernel/variants.ts';
import { fifo } from './fifo.ts';
import { random } from './random.ts';
import type { Strategy } from './strategy.ts';

export const RUN_STRATEGIES = ['fifo', 'random'] as const;

export function makeStrategy(name: string): Strategy {
  switch (name) {
    case 'fifo':
      return fifo();
    case 'random':
      return random();
    default:
      throw new BadInput(`unknown strategy '${name}' (valid: ${RUN_STRATEGIES.join(', ')})`);
  }
}
