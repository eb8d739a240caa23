export { REDACTED, SENSITIVE_FIELD_NAMES, isIpv6, maskEmail, redactText } from './redaction';
export * from './request-types';
export * from './calendar';
export * from './deadlines';
export * from './regime';
export * from './request-state-machine';
export * from './stuck';
