// Schedule files: one counterexample, self-contained (the scenario itself, not its name, so a file
// still means the same world after the built-ins change) and transport-independent (choices name
// channels and queue positions, never seq numbers or threads).
import { parseJsonText } from '../input.ts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInput, variantByName, type Variant } from '../variants/variants.ts';
import { ORACLES } from '../oracles/types.ts';
import type { Choice } from '../runtime/run.ts';
import { parseScenario } from '../scenario/load.ts';
import { parseInput } from '../input.ts';
import type { Scenario } from '../scenario/schema.ts';
import { writeJsonAtomic } from '../files.ts';

export const SCHEDULE_FORMAT = 1;

const int = (min = 0) => z.number().int().min(min);

const ChoiceSchema = z.strictObject({ ch: z.string().min(1), k: int(), of: int(1) });

const ViolationSchema = z.strictObject({
  oracle: z.enum(ORACLES),
  message: z.string(),
  step: int(),
  objects: z.array(z.string()).optional(),
  actors: z.array(z.string()).optional(),
  lasso: z.strictObject({ prefix: int(), cycle: int(1) }).optional(),
});

const Size = z.strictObject({ deliveries: int(), preemptions: int() });

/** Which member of a portfolio or guided search made the schedule (scheduler/member.ts). */
const MemberSchema = z.strictObject({
  strategy: z.string().min(1),
  seed: int(),
  depth: int(1).optional(),
  delays: int().optional(),
  steps: int().optional(),
  p: z.number().gt(0).lt(1).optional(),
  parent: int().optional(),
  mutation: z.string().optional(),
});

export const ScheduleFileSchema = z.strictObject({
  format: z.literal(SCHEDULE_FORMAT),
  /** The run that wrote it (`explore --out`): its summary.json names the same id. */
  run: z.string().min(1).optional(),
  kernel: z.string(),
  scenario: z.unknown(),
  strategy: z.string(),
  seed: int(),
  /** The exploration's schedule number that found it. */
  schedule: int(),
  /** portfolio, guided: the member that ran that schedule, with its parameters (older files: none). */
  member: MemberSchema.optional(),
  transport: z.string(),
  reorder: z.boolean(),
  maxSteps: int(1),
  /** Every decision of the run, in order: replay follows them exactly. */
  choices: z.array(ChoiceSchema),
  /** What the run found (a counterexample's reason); a schedule `svmsim play` saves from a
   * history in which no oracle fired has none. */
  violation: ViolationSchema.optional(),
  shrunk: z.boolean(),
  deliveries: int(),
  preemptions: int(),
  /** Before shrinking. */
  original: Size.optional(),
});

/** Any schedule file: explore's counterexamples, and the histories `svmsim play` saves. */
export type Schedule = Omit<z.infer<typeof ScheduleFileSchema>, 'scenario' | 'choices'> & { scenario: Scenario; choices: Choice[] };
/** A counterexample: a schedule with the violation it reproduces. */
export type ScheduleFile = Schedule & { violation: NonNullable<Schedule['violation']> };

export const writeScheduleFile = (path: string, f: Schedule): void => writeJsonAtomic(path, f);

/** Read and validate; any problem is one BadInput line naming the file and the field. */
export function readScheduleFile(path: string): Schedule & { variant: Variant } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInput(`cannot read schedule file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw new BadInput(`${path}: not JSON: ${(e as Error).message}`);
  }
  const data = parseInput(ScheduleFileSchema, json, path);
  let variant: Variant;
  try {
    variant = variantByName(data.kernel);
  } catch (e) {
    throw new BadInput(`${path}: kernel: ${(e as Error).message}`);
  }
  return { ...data, scenario: parseScenario(data.scenario, `${path}: scenario`), variant };
}
