import type { Telemetry } from '../domain/telemetry.ts';
import { logger } from './logger.ts';
import { emitMetric } from './metrics.ts';

/** The domain's telemetry port on Powertools: its lines through the service logger, its metrics as EMF. */
export const powertoolsTelemetry: Telemetry = {
  log: (level, message, fields = {}) => {
    if (level === 'ERROR') logger.error(message, fields);
    else if (level === 'WARN') logger.warn(message, fields);
    else if (level === 'INFO') logger.info(message, fields);
    else logger.debug(message, fields);
  },
  metric: emitMetric,
};
