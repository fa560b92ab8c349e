// A campaign's options as the tests and the bench build them, and the same exploration in one
// process to compare a campaign with.
import type { CampaignOptions } from '../src/distributed/campaign.ts';
import { DEFAULT_MAX_STEPS } from '../src/runtime/run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import type { ExploreOptions } from '../src/explore/explore.ts';
import { variantByName } from '../src/variants/variants.ts';

export function options(scenario: string, kernel: string, strategy: CampaignOptions['strategy'], more: Partial<CampaignOptions> = {}): CampaignOptions {
  return { scenario: loadScenario(scenario), kernel, strategy, seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false, ...more };
}

/** The same exploration in this process, to compare with. */
export const inProcess = (o: CampaignOptions, more: Partial<ExploreOptions> = {}): ExploreOptions => ({ ...o, variant: variantByName(o.kernel), ...more });
