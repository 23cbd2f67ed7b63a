/** `npm start`: run the service on the configuration from the environment. */
import { loadConfig } from './config/load.js';
import { createLogger } from './log/logger.js';
import { serve } from './cli/serve.js';

const config = loadConfig();
await serve(config, createLogger(config.logLevel));
