// Types of pg-cluster.mjs (plain JavaScript: server/scripts/run-tests.mjs runs it under plain node).
export function findPgBin(): string | null;
export function startPgCluster(): Promise<{ url: string; stop(): void }>;
