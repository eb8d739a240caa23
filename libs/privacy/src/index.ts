export { REDACTED, SENSITIVE_FIELD_NAMES, isIpv6, maskEmail, redactText } from './redaction';
