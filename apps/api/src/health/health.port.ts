export type ComponentStatus = 'up' | 'down' | 'degraded';

export interface ComponentHealth {
  status: ComponentStatus;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: ComponentStatus;
  components: Record<string, ComponentHealth>;
}

/** Readiness of the parts behind an API process (the log, the engine, the read models, Redis). */
export interface HealthProbe {
  check(): Promise<HealthReport>;
}

export function overall(components: Record<string, ComponentHealth>): HealthReport {
  const statuses = Object.values(components).map((c) => c.status);
  const status: ComponentStatus = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'up';
  return { status, components };
}
