import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CreditsService } from '../credits/credits.service';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { BillingAdminService, CREDIT_ENTRY_LIST_RULES, CreditEntryAdminView, SUBSCRIPTION_LIST_RULES, SubscriptionView, UserCreditsView } from './billing-admin.service';
import { CreditAdjustmentDto, CreditSettingsDto, PlanDto, PlanWriteDto } from './dto/billing.dto';
import { PLAN_LIST_RULES, PlansService, toPlanDto } from './plans.service';
import { STRIPE_EVENT_LIST_RULES, StripeEventView, StripeEventsService } from './stripe-events.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
const actorOf = (s: StaffPrincipal): { type: 'staff'; id: string; role: string } => ({ type: 'staff', id: s.id, role: s.role });

@ApiTags('console: plans')
@ApiBearerAuth()
@Controller('admin/plans')
export class PlansAdminController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @Authorize('read', 'Plan')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<PlanDto>> {
    return this.plans.list(parseListQuery(query, PLAN_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'Plan')
  @ApiOkResponse({ type: PlanDto })
  async get(@Param('id', uuid) id: string): Promise<PlanDto> {
    return toPlanDto(await this.plans.get(id));
  }

  @Post()
  @Authorize('create', 'Plan')
  @ApiOkResponse({ type: PlanDto })
  create(@Body() dto: PlanWriteDto, @CurrentStaff() staff: StaffPrincipal): Promise<PlanDto> {
    return this.plans.create(dto, actorOf(staff));
  }

  @Put(':id')
  @Authorize('update', 'Plan')
  @ApiOkResponse({ type: PlanDto })
  update(@Param('id', uuid) id: string, @Body() dto: PlanWriteDto, @CurrentStaff() staff: StaffPrincipal): Promise<PlanDto> {
    return this.plans.update(id, dto, actorOf(staff));
  }

  @Delete(':id')
  @Authorize('delete', 'Plan')
  @ApiOperation({ summary: 'Deletes an unused plan; a plan anyone subscribed to is deactivated instead.' })
  remove(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<PlanDto> {
    return this.plans.remove(id, actorOf(staff));
  }
}

@ApiTags('console: subscriptions')
@ApiBearerAuth()
@Controller('admin/subscriptions')
export class SubscriptionsAdminController {
  constructor(private readonly admin: BillingAdminService) {}

  @Get()
  @Authorize('read', 'Subscription')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<SubscriptionView>> {
    return this.admin.subscriptions(parseListQuery(query, SUBSCRIPTION_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'Subscription')
  get(@Param('id', uuid) id: string): Promise<SubscriptionView> {
    return this.admin.subscription(id);
  }
}

@ApiTags('console: credits')
@ApiBearerAuth()
@Controller('admin')
export class CreditsAdminController {
  constructor(
    private readonly admin: BillingAdminService,
    private readonly credits: CreditsService,
  ) {}

  @Get('credit-entries')
  @Authorize('read', 'CreditEntry')
  @ApiOperation({ summary: 'Ledger entries with each user’s running balance (balanceAfter); filter by userId.' })
  list(@Query() query: Record<string, unknown>, @CurrentStaff() staff: StaffPrincipal): Promise<ListPage<CreditEntryAdminView>> {
    return this.admin.creditEntries(parseListQuery(query, CREDIT_ENTRY_LIST_RULES), actorOf(staff));
  }

  @Get('users/:id/credits')
  @Authorize('read', 'CreditEntry')
  @ApiOperation({ summary: 'A user’s balance, held and available credits, support flag and the adjustment limit.' })
  userCredits(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<UserCreditsView> {
    return this.admin.userCredits(id, actorOf(staff));
  }

  @Post('users/:id/credits/adjust')
  @Authorize('create', 'CreditEntry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Adjusts a user’s credits with a reason; support agents up to the limit, admins beyond. Audited.' })
  async adjust(@Param('id', uuid) id: string, @Body() dto: CreditAdjustmentDto, @CurrentStaff() staff: StaffPrincipal): Promise<{ entryId: string; balance: number; held: number; available: number }> {
    const result = await this.credits.adjust({ userId: id, amount: dto.amount, reason: dto.reason, referenceType: dto.referenceType, referenceId: dto.referenceId, actor: actorOf(staff) });
    return { entryId: result.entryId, ...result.summary };
  }

  @Get('credit-settings')
  @Authorize('read', 'CreditEntry')
  async settings(): Promise<{ id: number; supportAdjustmentLimit: number }> {
    return { id: 1, supportAdjustmentLimit: await this.credits.supportAdjustmentLimit() };
  }

  @Put('credit-settings')
  @Authorize('update', 'CreditEntry')
  setSettings(@Body() dto: CreditSettingsDto, @CurrentStaff() staff: StaffPrincipal): Promise<{ supportAdjustmentLimit: number }> {
    return this.admin.setSupportAdjustmentLimit(dto.supportAdjustmentLimit, actorOf(staff));
  }
}

@ApiTags('console: stripe events')
@ApiBearerAuth()
@Controller('admin/stripe-events')
export class StripeEventsAdminController {
  constructor(private readonly events: StripeEventsService) {}

  @Get()
  @Authorize('read', 'StripeEvent')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<StripeEventView>> {
    return this.events.list(parseListQuery(query, STRIPE_EVENT_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'StripeEvent')
  get(@Param('id') id: string): Promise<StripeEventView> {
    return this.events.get(id);
  }

  @Post(':id/reprocess')
  @Authorize('retry', 'StripeEvent')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs the event’s handler again (re-reading from Stripe); credit effects stay idempotent.' })
  reprocess(@Param('id') id: string, @CurrentStaff() staff: StaffPrincipal): Promise<StripeEventView> {
    return this.events.reprocess(id, actorOf(staff));
  }
}
