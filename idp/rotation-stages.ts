/**
 * The stages of a key rotation, in order: publish the next key, sign with it, retire the old one.
 * Apart from keys.ts so the CLI (`rehearsal idp rotate`) names them without loading the IdP's
 * database client (pg), which only the runtime image needs.
 */
export const ROTATION_STAGES = ['publish', 'sign', 'retire'] as const;
export type RotationStage = (typeof ROTATION_STAGES)[number];
