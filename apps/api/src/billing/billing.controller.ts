import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import type { RawBodyRequest } from '../errors/body-parsers';
import { CurrentUser, Public, UserPrincipal } from '../identity/auth.decorators';
import { BillingService, CheckoutResult } from './billing.service';
import { CheckoutDto, PlanDto, StripeUrlDto } from './dto/billing.dto';
import { PlansService } from './plans.service';
import { StripeEventsService, WebhookAnswer } from './stripe-events.service';

@ApiTags('public: billing')
@Controller('v1')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly plans: PlansService,
  ) {}

  @Get('plans')
  @Public()
  @ApiOkResponse({ type: PlanDto, isArray: true, description: 'Active plans, in display order.' })
  listPlans(): Promise<PlanDto[]> {
    return this.plans.listActive();
  }

  @Post('billing/checkout')
  @ApiBearerAuth()
  @Authorize('create', 'Subscription')
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeating a request with the same key returns the same Checkout Session.' })
  @ApiOkResponse({ type: StripeUrlDto, description: 'Send the user to `url` (Stripe Checkout).' })
  @ApiServiceUnavailableResponse({ description: 'BILLING_NOT_CONFIGURED' })
  @ApiBadGatewayResponse({ description: 'STRIPE_API_ERROR: Stripe refused or failed; nothing was written.' })
  checkout(@CurrentUser() user: UserPrincipal, @Body() dto: CheckoutDto, @Headers('idempotency-key') key?: string): Promise<CheckoutResult> {
    return this.billing.checkout(user.id, dto.planId, key && /^[\w.:-]{1,100}$/.test(key) ? key : undefined);
  }

  @Post('billing/portal')
  @ApiBearerAuth()
  @Authorize('read', 'Subscription')
  @HttpCode(200)
  @ApiOkResponse({ type: StripeUrlDto, description: 'Send the user to `url` (Stripe Customer Portal).' })
  @ApiServiceUnavailableResponse({ description: 'BILLING_NOT_CONFIGURED' })
  portal(@CurrentUser() user: UserPrincipal): Promise<{ url: string }> {
    return this.billing.portal(user.id);
  }
}

@ApiTags('webhooks')
@Controller('webhooks')
export class StripeWebhookController {
  constructor(private readonly events: StripeEventsService) {}

  @Post('stripe')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook: signature checked over the raw body; each event id stored and processed once.' })
  receive(@Req() req: RawBodyRequest, @Headers('stripe-signature') signature?: string): Promise<WebhookAnswer> {
    return this.events.receive(req.rawBody, signature);
  }
}
