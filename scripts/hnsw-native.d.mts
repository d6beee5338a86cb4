// Types of scripts/hnsw-native.mjs for the TypeScript code that imports it.
export function tunedFlags(platform?: string, arch?: string): { flags?: string; why?: string };
export function installedBuild(): 'tuned' | 'portable' | undefined;
