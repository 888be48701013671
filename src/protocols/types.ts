/** The strategy interfaces live in the game layer (src/game/strategy.ts), shared with learned policies. */
export { RefusedError, broadcastSenderApart, broadcastSenderOnly, everyAgentAlike, type Adversary, type HonestProtocol, type ProtocolMutant } from '../game/strategy.js';
