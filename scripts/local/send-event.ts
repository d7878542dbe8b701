/** Sends one signed CloudEvent to the intake, the way an automation would (client/intake/send.ts). */
export { type SentEvent, sendSignedEvent } from '../../client/intake/send';
