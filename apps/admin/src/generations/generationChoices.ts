export const GENERATION_STATUS_CHOICES = ['queued', 'in_progress', 'completed', 'failed', 'canceled'].map((id) => ({ id, name: id }));
export const GENERATION_ERROR_CLASS_CHOICES = ['moderation_blocked', 'invalid_request', 'provider_unavailable', 'rate_limited', 'timeout', 'asset_expired', 'internal'].map((id) => ({ id, name: id }));
export const GENERATION_MODEL_CHOICES = ['sora-2', 'sora-2-pro'].map((id) => ({ id, name: id }));
