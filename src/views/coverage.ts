export interface MachineCoverage { states: string[]; transitions: string[] }
