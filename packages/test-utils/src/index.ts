/**
 * Helpers shared by Sightline's tests and benchmarks. Platform-neutral (no Node API), so Worker
 * tests in workerd import them too; consumed as TypeScript source, never built or published.
 * Tokens are not here: a test signs with the stack it runs against (`stack.signToken`).
 */
export { mulberry32 } from './random.js';
export { pollUntil, PollTimeoutError, type PollOptions } from './poll.js';
export { percentile } from './percentile.js';
export { callRpc, RpcError, type RpcTarget } from './rpc.js';
