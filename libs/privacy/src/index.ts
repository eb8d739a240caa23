export { REDACTED, SENSITIVE_FIELD_NAMES, isIpv6, maskEmail, redactText } from './redaction';
export * from './export-schema';
export * from './csv';
export * from './third-party-redaction';
export * from './access-report';
