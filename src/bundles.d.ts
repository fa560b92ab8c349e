// The types of src/bundles.js (plain JavaScript: the entries load it before tsx is registered).
export function bundleOf(url: URL): string | undefined;
export function load(url: URL): Promise<Record<string, unknown>>;
