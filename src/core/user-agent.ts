// The User-Agent of every request ctrlscope sends (API server, metrics endpoints, Prometheus,
// log engines), shaped like kubectl's (`kubectl/v1.33.0 (linux/amd64) …`), so that an API
// server's audit log and a proxy's access log tell ctrlscope apart from other clients.
import { userAgent } from './version.js';

/** `ctrlscope/0.2.0 (linux/amd64)`. */
export const USER_AGENT = userAgent();
