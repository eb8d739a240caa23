export { REDACTED, SENSITIVE_FIELD_NAMES, isIpv6, maskEmail, redactText } from './redaction';
export * from './consent';
export * from './unsubscribe-token';
export * from './policy-version';
export * from './envelope';
export * from './deletion-certificate';
export * from './retention-schedule';
