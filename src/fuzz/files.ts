// The files a fuzz run writes into its --out folder.
import { ORACLES } from '../oracles/types.ts';

export const fuzzFiles = (): string[] => ['summary.json', ...ORACLES.flatMap((o) => [`${o}.json`, `${o}.scenario.json`])];
