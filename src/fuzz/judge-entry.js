// The piscina worker's entry for `fuzz --jobs`: the TypeScript judge job, through tsx or its
// prebuilt bundle (src/bundles.js), as src/explore/job-entry.js loads explore's.
import { load } from '../bundles.js';

const { runJudge } = await load(new URL('./judge-job.ts', import.meta.url));
export default runJudge;
