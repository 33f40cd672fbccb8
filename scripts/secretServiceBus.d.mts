export function privateHome(dir: string, env: NodeJS.ProcessEnv): void;
export function writeSecretServiceBus(busDir: string, startsLog?: string): string;
