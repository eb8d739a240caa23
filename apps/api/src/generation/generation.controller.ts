import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentUser, UserPrincipal } from '../identity/auth.decorators';
import type { VideoView } from './generation-job';
import { GENERATION_ERROR_CODES } from './generation.exception';
import { CreateVideoInput, GenerationService, UploadedReference } from './generation.service';

const ID = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
/** One byte over the 10 MB limit reaches validation, which answers 422 with the limit; bigger bodies are cut off. */
const UPLOAD_LIMITS = { fileSize: 10 * 1024 * 1024 + 1, files: 1, fields: 10 };

// The caller's own videos only: every query is scoped to the signed-in user.
@ApiTags('public: videos')
@ApiBearerAuth()
@Controller('v1/videos')
export class GenerationController {
  constructor(private readonly generation: GenerationService) {}

  @Post()
  @HttpCode(202)
  @Authorize('create', 'Generation')
  @UseInterceptors(FileInterceptor('inputReference', { limits: UPLOAD_LIMITS }))
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOperation({ summary: 'Start a video: prompt, model, seconds, size, style?, inputReference? (png/jpeg/webp ≤ 10 MB, the video’s size). Credits are held until it finishes.' })
  @ApiResponse({ status: 202, description: '{id, status: "queued", creditsHeld, …}' })
  @ApiResponse({ status: 402, description: 'INSUFFICIENT_CREDITS' })
  @ApiForbiddenResponse({ description: `PROCESSING_RESTRICTED: ${GENERATION_ERROR_CODES.PROCESSING_RESTRICTED}` })
  @ApiResponse({ status: 422, description: `VALIDATION_FAILED (errors per field) or PROMPT_BLOCKED: ${GENERATION_ERROR_CODES.PROMPT_BLOCKED}` })
  create(@CurrentUser() user: UserPrincipal, @Body() body: CreateVideoInput, @UploadedFile() file?: UploadedReference): Promise<VideoView> {
    return this.generation.create(user.id, body ?? {}, file);
  }

  @Get()
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'The caller’s videos, newest first; `?limit=` (≤ 100) and `?before=<createdAt>` page.' })
  list(@CurrentUser() user: UserPrincipal, @Query('limit') limit?: string, @Query('before') before?: string): Promise<{ data: VideoView[]; hasMore: boolean }> {
    return this.generation.list(user.id, Math.min(100, Math.max(1, Number(limit) || 20)), before);
  }

  @Get(':id')
  @Authorize('read', 'Generation')
  @ApiNotFoundResponse({ description: `VIDEO_NOT_FOUND: ${GENERATION_ERROR_CODES.VIDEO_NOT_FOUND}` })
  get(@CurrentUser() user: UserPrincipal, @Param('id', ID) id: string): Promise<VideoView> {
    return this.generation.get(user.id, id);
  }

  @Get(':id/content')
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'The MP4 (Range supported) or, with ?variant=thumbnail, its thumbnail.' })
  @ApiResponse({ status: 409, description: `VIDEO_NOT_READY: ${GENERATION_ERROR_CODES.VIDEO_NOT_READY}` })
  content(@CurrentUser() user: UserPrincipal, @Param('id', ID) id: string, @Query('variant') variant: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.generation.sendContent(user.id, id, variant, req, res);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'Generation')
  @ApiOperation({ summary: 'Soft delete now (files purged per retention); the provider is asked to delete its copy; a running job is canceled and its credits released.' })
  delete(@CurrentUser() user: UserPrincipal, @Param('id', ID) id: string): Promise<void> {
    return this.generation.delete(user.id, id);
  }

  @Post(':id/remix')
  @HttpCode(202)
  @Authorize('create', 'Generation')
  @ApiOperation({ summary: 'A new video from a completed one with a new prompt (credits held again).' })
  @ApiResponse({ status: 409, description: `VIDEO_NOT_REMIXABLE: ${GENERATION_ERROR_CODES.VIDEO_NOT_REMIXABLE}` })
  remix(@CurrentUser() user: UserPrincipal, @Param('id', ID) id: string, @Body() body: { prompt?: unknown }): Promise<VideoView> {
    return this.generation.remix(user.id, id, body?.prompt);
  }
}
