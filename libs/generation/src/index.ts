// Pure generation rules: catalogue and pricing, request validation, prompt screening, provider
// status mapping, error classification, retry policy and the VideoProvider interface. No I/O.
export * from './catalogue';
export * from './validation';
export * from './screening';
export * from './status';
export * from './errors';
export * from './retry-policy';
export * from './provider';
export * from './preferences';
export * from './video-retention';
