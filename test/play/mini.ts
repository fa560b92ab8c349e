// The seed's leak in its smallest world, shared by the play tests.
import { parseScenario } from '../../src/scenario/load.ts';

/** The seed's leak in its smallest world: open the device, mmap it, bind, exit (28 deliveries on pre-fix). */
export const MINI = parseScenario(
  {
    name: 'mini-leak',
    description: 'open, mmap, bind, exit',
    devices: ['accel0'],
    processes: [{ name: 'A', steps: [{ op: 'open', file: 'dev', device: 'accel0' }, { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 1 }, { op: 'bind', file: 'dev' }, { op: 'exit' }] }],
  },
  'mini',
);
