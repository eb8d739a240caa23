// Pure generation rules (catalogue, pricing, validation, provider status mapping) arrive with the
// generation issue; the package exists now so that the workspace layout and path alias are fixed.
export const GENERATION_LIB_VERSION = '0.1.0';
