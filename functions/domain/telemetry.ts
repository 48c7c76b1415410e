/**
 * The domain's port for what it tells operators: diagnostic log lines and service metrics. The domain imports no
 * logging or metrics library; composition.ts plugs in Powertools (functions/observability). Until then lines go to
 * the console as JSON and metrics nowhere, so domain code run on its own (unit tests, scripts) behaves as before.
 */

/** The `service` of every log line and the one dimension every service metric has. */
export const serviceName = 'process-mining-jobs';

/** The CloudWatch namespace of the service's own metrics (EMF); the alarms and the dashboard read it. */
export const metricNamespace = 'ProcessMiningJobs';

/** Every service metric, by what it counts; lib/constructs/monitoring.ts alarms and graphs them by these names. */
export const metricNames = {
  /** Milliseconds a phase ran, dimension `phase`. */
  phaseDuration: 'PhaseDuration',
  /** Phases that ended, by outcome: dimensions `phase`, `outcome` (Completed, Failed, Cancelled, NotRunning). */
  phaseEnded: 'PhaseEnded',
  /** Records a phase processed per second of its run, dimension `phase`. */
  eventsPerSecond: 'EventsPerSecond',
  /** Queued operations admitted to a slot. */
  operationsAdmitted: 'OperationsAdmitted',
  /** Milliseconds an admitted operation waited as Queued (since it was created, or since its retry was due). */
  queueWait: 'QueueWait',
  /** Callback and webhook deliveries the receiver accepted. */
  deliverySucceeded: 'DeliverySucceeded',
  /** Deliveries given up: retries spent, or refused for good (410). */
  deliveryFailed: 'DeliveryFailed',
  /** Attempts that failed and were scheduled again. */
  deliveryRetried: 'DeliveryRetried',
  /** Webhook endpoints disabled (410 Gone, or failing long after a warning). */
  endpointDisabled: 'EndpointDisabled',
  /** Queue messages whose last allowed receive failed: SQS moves them to the dead-letter queue. Dimension `queue`. */
  deadLettered: 'DeadLettered',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];
export type MetricUnit = 'Count' | 'Milliseconds' | 'Count/Second';
export type DiagnosticLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Telemetry {
  log(level: DiagnosticLevel, message: string, fields?: Record<string, unknown>): void;
  metric(name: MetricName, unit: MetricUnit, value: number, dimensions?: Record<string, string>): void;
}

const consoleTelemetry: Telemetry = {
  log: (level, message, fields) => {
    const line = JSON.stringify({ level, message, ...fields });
    if (level === 'ERROR') console.error(line);
    else if (level === 'WARN') console.warn(line);
    else console.log(line);
  },
  metric: () => undefined,
};

let current: Telemetry = consoleTelemetry;

/** Where domain diagnostics and metrics go from now on (composition.ts, once per process). */
export function useTelemetry(sink: Telemetry): void {
  current = sink;
}

/** The error's name and message as log fields (never sent to clients). */
export function errorFields(error: unknown): { error: string; detail: string; stack?: string } {
  return error instanceof Error ? { error: error.name, detail: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { error: typeof error, detail: String(error) };
}

export const telemetry: Telemetry = {
  log: (level, message, fields) => current.log(level, message, fields),
  metric: (name, unit, value, dimensions) => current.metric(name, unit, value, dimensions),
};
