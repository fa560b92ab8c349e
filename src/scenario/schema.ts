// The scenario format, as a zod schema: the world a test builds (P's test drivers). Processes and
// devices by name; each process runs its steps in order. Files and VMAs are named per process.
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9_-]+$/, 'a name of letters, digits, _ or -');
const page = z.number().int().min(0).max(1 << 20);

export const StepSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('open'), file: name, device: name }),
  z.strictObject({ op: z.literal('bind'), file: name }),
  z.strictObject({ op: z.literal('mmap'), vma: name, file: name.optional(), addr: page, pages: z.number().int().min(1).max(1024) }),
  z.strictObject({ op: z.literal('touch'), addr: page, write: z.boolean().default(true) }),
  z.strictObject({ op: z.literal('dma'), file: name, addr: page, write: z.boolean().default(true), count: z.number().int().min(1).max(64).default(1), wait: z.boolean().default(false) }),
  z.strictObject({ op: z.literal('munmap'), vma: name }),
  z.strictObject({ op: z.literal('close'), file: name }),
  z.strictObject({ op: z.literal('unbind'), file: name }),
  z.strictObject({ op: z.literal('exit') }),
]);

export const ScenarioSchema = z.strictObject({
  name: name,
  description: z.string().default(''),
  devices: z.array(name).min(1),
  processes: z
    .array(z.strictObject({ name: name, steps: z.array(StepSchema).min(1) }))
    .min(1),
});

export type ScenarioStep = z.infer<typeof StepSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
