export { REDACTED, SENSITIVE_FIELD_NAMES, maskEmail, redactText } from './redaction';
