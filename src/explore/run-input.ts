// A run to look at, from a file: `svmsim run --json`'s document as it is, or a schedule (the
// explorer's, or any with a world and choices) re-run with the replay strategy, inline (the same
// trace as any transport). The trace viewer and the diff draw what this returns.
import { parseJsonText } from '../input.ts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInput, variantByName } from '../variants/variants.ts';
import { inlineTransport } from '../runtime/inline.ts';
import type { ActorSpec, TraceEvent } from '../runtime/types.ts';
import type { Violation } from '../oracles/types.ts';
import { loadScenario, parseScenario } from '../scenario/load.ts';
import { parseInput } from '../input.ts';
import { Diverged, replay } from '../scheduler/replay.ts';
import { simulate } from '../simulate.ts';

/** A run: its trace and violations, and the names a page's header shows (a run document may carry
 * more fields; they pass through). */
export interface RunInput {
  trace: TraceEvent[];
  violations: Violation[];
  scenario?: string | { name: string };
  variant?: string | { name: string };
  /** `run --json` names the variant `kernel`. */
  kernel?: string;
  strategy?: string;
  transport?: string;
  seed?: number;
  world?: { specs: ActorSpec[] };
}

const effect = z.object({ op: z.string() }).passthrough();
const traceEvent = z.object({
  step: z.number().int().nonnegative(),
  seq: z.number().int(),
  from: z.string(),
  to: z.string(),
  event: z.string(),
  args: z.record(z.string(), z.unknown()),
  state: z.string(),
  effects: z.array(effect),
  cause: z.number().int().nullable(),
});
const violation = z.object({ oracle: z.string(), message: z.string(), step: z.number().int() }).passthrough();
const runDoc = z.object({ trace: z.array(traceEvent), violations: z.array(violation) }).passthrough();
/** A schedule: the world and the recorded choices (svmsim explore writes these). */
const scheduleDoc = z
  .object({
    scenario: z.union([z.string(), z.record(z.string(), z.unknown())]),
    variant: z.string().optional(),
    kernel: z.string().optional(),
    choices: z.array(z.object({ ch: z.string(), k: z.number().int().nonnegative(), of: z.number().int().nonnegative().default(0) })),
    seed: z.number().int().optional(),
    reorder: z.boolean().optional(),
    maxSteps: z.number().int().positive().optional(),
  })
  .passthrough()
  .refine((s) => s.variant ?? s.kernel, { message: 'a schedule names its kernel in `variant` (or `kernel`)' });

/** What a read error says, by its code (the rest: the error's first line). */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file (a run from `svmsim run --json` or a schedule file)',
};

/** The scenario a run or schedule is of, by name (undefined: the document does not say). */
export function scenarioNameOf(r: RunInput): string | undefined {
  return typeof r.scenario === 'string' ? r.scenario : r.scenario?.name;
}

/** A run document as is, or a schedule re-run (inline: the same trace as any transport). */
export async function loadRunInput(file: string): Promise<RunInput> {
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BadInput(`${file}: ${READ_ERRORS[err.code ?? ''] ?? err.message.split('\n')[0]}`);
  }
  if (!raw || typeof raw !== 'object') throw new BadInput(`${file}: expected a JSON object (a run from \`svmsim run --json\` or a schedule)`);
  if ('trace' in raw) return parseInput(runDoc, raw, file) as unknown as RunInput;
  if (!('choices' in raw)) throw new BadInput(`${file}: neither a run (no \`trace\`) nor a schedule (no \`choices\`)`);
  const s = parseInput(scheduleDoc, raw, file);
  const scenario = typeof s.scenario === 'string' ? loadScenario(s.scenario) : parseScenario(s.scenario, `${file}: scenario`);
  const variant = variantByName((s.variant ?? s.kernel)!);
  try {
    const r = await simulate({ scenario, variant, strategy: replay(s.choices), transport: inlineTransport(), seed: s.seed, reorder: s.reorder, maxSteps: s.maxSteps });
    return { ...r, scenario, variant, strategy: 'replay', transport: 'inline' };
  } catch (e) {
    if (e instanceof Diverged) throw new BadInput(`${file}: the schedule no longer replays: ${e.message}`);
    throw e;
  }
}
