/**
 * Helpers shared by Sightline's tests and benchmarks. Platform-neutral (no Node API), so Worker
 * tests in workerd import them too; consumed as TypeScript source, never built or published.
 */
export { mulberry32 } from './random.js';
export { pollUntil, PollTimeoutError } from './poll.js';
export { percentile } from './percentile.js';
export { callRpc, RpcError, type RpcTarget } from './rpc.js';
export { userToken, type TokenSigner } from './token.js';
